import SiteModel

/// The learning pages a site with courses gets, for the `progress` function's API
/// (`functions/openapi.json`): the learner's dashboard (`/account/learning/`), the authors'
/// course reports (`/account/reports/`) and the public certificate verification page
/// (`/certificates/`, which `_redirects` also serves for every `/certificates/<id>/`).
///
/// Like the account pages they are the same for every visitor — `assets/account.js` fills them
/// in — so nothing personal is in the build. They are `noindex`, stay out of the sitemap and the
/// search index, and a content page at the same URL takes the place of the generated one.
enum LearningPages {
    /// One learning page: its URL, layout, view and heading.
    struct View: Sendable {
        var id: String
        var layout: String
        var url: String
        var title: String
        var description: String
    }

    /// The progress function's routes, as the router serves them.
    static let api = "/api/progress"
    /// The verification page; `/certificates/<id>/` is rewritten to it.
    static let certificates = "/certificates/"

    static let views: [View] = [
        View(id: "dashboard", layout: "learning", url: "/account/learning/", title: "My learning",
            description: "Your courses, quiz scores and certificates."),
        View(id: "reports", layout: "learning", url: "/account/reports/", title: "Course reports",
            description: "Completion and drop-off per lesson, and what learners answer to each quiz question."),
        View(id: "certificate", layout: "certificate", url: certificates, title: "Certificate verification",
            description: "Check a certificate of completion issued by this site."),
    ]

    /// Whether the site gets these pages at all: a site without courses has nothing to track.
    static func isEnabled(for context: BuildContext) -> Bool {
        !context.site.courses.isEmpty
    }

    /// URLs the account page links to (`account.urls.learning`, `account.urls.reports`), when the
    /// pages exist.
    static func accountLinks(for context: BuildContext) -> [String: String] {
        guard isEnabled(for: context) else { return [:] }
        return ["learning": context.link("/account/learning/"), "reports": context.link("/account/reports/")]
    }

    /// The render jobs of the learning pages the site does not provide itself.
    static func jobs(for context: BuildContext) -> [SiteRenderer.Job] {
        guard isEnabled(for: context) else { return [] }
        let taken = Set(context.site.pages.map(\.url))
        let urls = [
            "signin": context.link("/account/signin/"), "account": context.link("/account/"),
            "courses": context.link("/courses/"),
        ].merging(accountLinks(for: context)) { $1 }
        // The reports page lists the courses (and where their lessons are, to word the answers
        // from each quiz form), so it changes when a course's structure does.
        var structure = ContentHash()
        for course in context.site.courses { structure.add(String(SiteRenderer.structureKey(course))) }
        let courses: [[String: Any & Sendable]] = context.site.courses.map { course in
            ["id": course.id, "title": course.page.title, "url": context.link(course.page.url),
             "lessons": course.lessons.map { ["id": $0.id, "url": context.link($0.page.url)] as [String: Any & Sendable] }]
        }
        let certificateValue: [String: Any & Sendable] = ["root": context.link(certificates), "api": api + "/certificates/"]
        return views.filter { !taken.contains($0.url) }.map { view in
            let page = Page(source: "(learning)", url: view.url, title: view.title, description: view.description)
            let values: [String: Any & Sendable]
            switch view.layout {
            case "certificate":
                values = ["certificate": certificateValue]
            default:
                var learning: [String: Any & Sendable] = [
                    "view": view.id, "api": api, "urls": urls,
                    "isDashboard": view.id == "dashboard", "isReports": view.id == "reports",
                ]
                if view.id == "reports" { learning["courses"] = courses }
                values = ["learning": learning]
            }
            var job = SiteRenderer.Job(page: page, layout: view.layout, makeValues: { values })
            job.key = view.id == "reports" ? structure.value : 0
            job.noindex = true
            return job
        }
    }
}
