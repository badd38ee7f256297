import Foundation
import Testing

@testable import SiteBuild

/// The learning pages (dashboard, reports, certificate verification), `_redirects`, the lesson
/// page's progress hooks and the account script that only the account-area pages load.
@Suite struct LearningPagesTests {
    static let pages = [
        "account/learning/index.html": "data-learning-view=\"dashboard\"",
        "account/reports/index.html": "data-learning-view=\"reports\"",
        "certificates/index.html": "data-certificate-page",
    ]

    /// The fingerprinted script a page loads from `/assets/`, by its stem (`site`, `account`).
    static func script(_ stem: String, in html: String) -> String? {
        guard let start = html.range(of: "<script src=\"/assets/\(stem).") else { return nil }
        let rest = html[start.upperBound...]
        return rest.split(separator: "\"", maxSplits: 1).first.map { "assets/\(stem)." + $0 }
    }

    @Test func everyLearningPageIsGeneratedNoindexAndLoadsTheAccountScript() throws {
        let site = try TestSite(TestSite.minimal)
        defer { site.remove() }
        let report = site.build()
        #expect(report.succeeded, "\(report.lines)")
        for (path, hook) in Self.pages {
            let html = try #require(site.read("dist/" + path), "\(path) was not generated")
            #expect(html.contains("<meta name=\"robots\" content=\"noindex\">"), "\(path) is not noindex")
            #expect(html.contains(hook), "\(path) lacks \(hook)")
            #expect(html.contains("<noscript>"), "\(path) does not say it needs JavaScript")
            let account = try #require(Self.script("account", in: html), "\(path) does not load account.js")
            #expect(site.read("dist/" + account)?.contains("setUpCertificatePage") == true, "\(account) is not the account script")
        }
        let dashboard = try #require(site.read("dist/account/learning/index.html"))
        #expect(dashboard.contains("data-learning-api=\"/api/progress\""))
        #expect(dashboard.contains("data-learning-courses") && dashboard.contains("data-learning-certificates"))
        #expect(dashboard.contains("href=\"/account/signin/?return_to=/account/learning/\""))
        let certificate = try #require(site.read("dist/certificates/index.html"))
        #expect(certificate.contains("data-certificate-root=\"/certificates/\""))
        #expect(certificate.contains("data-certificate-api=\"/api/progress/certificates/\""))
        #expect(certificate.contains("data-certificate-missing") && certificate.contains("data-certificate-pdf"))
    }

    @Test func theAccountCodeIsOnlyInTheAccountScript() throws {
        let site = try TestSite(TestSite.minimal)
        defer { site.remove() }
        #expect(site.build().succeeded)
        let home = try #require(site.read("dist/index.html"))
        let lesson = try #require(site.read("dist/courses/course/basics/one/index.html"))
        for html in [home, lesson] {
            #expect(Self.script("account", in: html) == nil, "a content page loads account.js")
        }
        let siteScript = try #require(Self.script("site", in: home).flatMap { site.read("dist/" + $0) })
        let accountScript = try #require(Self.script("account", in: site.read("dist/account/signin/index.html") ?? "").flatMap { site.read("dist/" + $0) })
        #expect(!siteScript.contains("function accountSignIn"), "the sign-in page's code is still in site.js")
        #expect(accountScript.contains("function accountSignIn") && accountScript.contains("window.Lectern"))
        #expect(siteScript.contains("window.Lectern = {"), "site.js does not share its helpers")
        let signIn = try #require(site.read("dist/account/signin/index.html"))
        let siteAt = try #require(signIn.range(of: "/assets/site.")).lowerBound
        let accountAt = try #require(signIn.range(of: "/assets/account.")).lowerBound
        #expect(siteAt < accountAt, "account.js must run after site.js, whose helpers it uses")
    }

    @Test func learningPagesAreNotInTheSitemapOrTheSearchIndex() throws {
        let site = try TestSite(TestSite.minimal)
        defer { site.remove() }
        #expect(site.build().succeeded)
        let sitemap = try #require(site.read("dist/sitemap.xml"))
        let search = try #require(site.read("dist/search-index.json"))
        for url in ["/account/learning/", "/account/reports/", "/certificates/"] {
            #expect(!sitemap.contains(url), "the sitemap lists \(url)")
            #expect(!search.contains(url), "the search index lists \(url)")
        }
    }

    @Test func redirectsServeEveryCertificateFromTheVerificationPage() throws {
        var files = TestSite.minimal
        files["static/_redirects"] = "/old-course/* /courses/course/:splat 301"
        let site = try TestSite(files)
        defer { site.remove() }
        let report = site.build()
        #expect(report.succeeded, "\(report.lines)")
        let redirects = try #require(site.read("dist/_redirects"))
        let rules = redirects.split(separator: "\n").filter { !$0.hasPrefix("#") }
        // The site's own rules first (the first match wins), then the build's; nothing twice.
        #expect(rules == ["/old-course/* /courses/course/:splat 301", "/certificates/* /certificates/index.html 200"])

        // A no-change rebuild keeps the file; a changed static/_redirects is picked up.
        #expect(site.build().succeeded)
        #expect(site.read("dist/_redirects") == redirects)
        try site.write("static/_redirects", "/welcome /courses/ 302\n")
        #expect(site.build().succeeded)
        let updated = try #require(site.read("dist/_redirects"))
        #expect(updated.hasPrefix("/welcome /courses/ 302\n"))
        #expect(updated.contains("/certificates/* /certificates/index.html 200"))
        #expect(!updated.contains("/old-course/"))
    }

    @Test func aSiteUnderASubPathLinksItsOwnPagesAndRewritesDistPaths() throws {
        var files = TestSite.minimal
        files["content/site.yaml"] = files["content/site.yaml"]!.replacingOccurrences(
            of: "base_url: https://example.com", with: "base_url: https://example.com/school")
        let site = try TestSite(files)
        defer { site.remove() }
        let report = site.build()
        #expect(report.succeeded, "\(report.lines)")
        let certificate = try #require(site.read("dist/certificates/index.html"))
        #expect(certificate.contains("data-certificate-root=\"/school/certificates/\""))
        #expect(certificate.contains("<script src=\"/school/assets/account."))
        let home = try #require(site.read("dist/account/index.html"))
        #expect(home.contains("href=\"/school/account/learning/\""))
        // `_redirects` names files of dist/ as the host sees them, like `_headers`.
        #expect(site.read("dist/_redirects")?.contains("\n/certificates/* /certificates/index.html 200\n") == true)
    }

    @Test func aSiteWithoutCoursesGetsNoLearningPages() throws {
        let files = [
            "content/site.yaml": "title: Blog\nbase_url: https://example.com\n",
            "content/_index.md": "---\ntitle: Home\n---\nWelcome.\n",
        ]
        let site = try TestSite(files)
        defer { site.remove() }
        let report = site.build()
        #expect(report.succeeded, "\(report.lines)")
        for path in Self.pages.keys { #expect(site.read("dist/" + path) == nil, "\(path) was generated") }
        #expect(site.read("dist/_redirects") == nil)
        let home = try #require(site.read("dist/account/index.html"))
        #expect(!home.contains("/account/learning/"), "the account page links to a dashboard that does not exist")
    }

    @Test func theAccountPageLinksToTheDashboardAndReportsOnlyForAuthors() throws {
        let site = try TestSite(TestSite.minimal)
        defer { site.remove() }
        #expect(site.build().succeeded)
        let home = try #require(site.read("dist/account/index.html"))
        #expect(home.contains("<a class=\"button\" href=\"/account/learning/\">My learning</a>"))
        #expect(home.contains("href=\"/account/reports/\" data-account-role=\"author\" hidden>Course reports</a>"))
    }

    @Test func theReportsPageListsCoursesButNoPaidQuizText() throws {
        var files = TestSite.minimal
        files["content/courses/course/01-basics/02-two.md"] = """
            ---
            title: Two
            ---
            Secret body of lesson two.

            ```quiz
            id: check
            questions:
              - id: secret-question
                type: single
                prompt: Which paid prompt text must stay private?
                options:
                  - text: Hidden option text
                    correct: true
                  - text: Other hidden option
            ```

            """
        let site = try TestSite(files)
        defer { site.remove() }
        let report = site.build()
        #expect(report.succeeded, "\(report.lines)")
        let reports = try #require(site.read("dist/account/reports/index.html"))
        #expect(reports.contains("<option value=\"course\">Course</option>"))
        #expect(reports.contains("data-report-lesson=\"course/basics/two\" data-url=\"/courses/course/basics/two/\""))
        for secret in ["paid prompt text", "Hidden option text", "secret-question", "Secret body"] {
            #expect(!reports.contains(secret), "the reports page holds \(secret)")
        }
    }

    @Test func lessonPagesHaveTheProgressHooksAndTeasersTheReason() throws {
        let site = try TestSite(TestSite.minimal)
        defer { site.remove() }
        #expect(site.build().succeeded)
        let first = try #require(site.read("dist/courses/course/basics/one/index.html"))
        #expect(first.contains("data-lesson-progress hidden"))
        #expect(first.contains("data-lesson-complete data-lesson-continue>Complete and continue</button>"))
        #expect(first.contains("data-lesson-id=\"course/basics/one\""))
        // The course's last lesson has nowhere to continue to.
        let last = try #require(site.read("private/courses/course/basics/two/index.html"))
        #expect(last.contains("data-lesson-complete>Mark complete</button>"))
        let teaser = try #require(site.read("dist/courses/course/basics/two/index.html"))
        #expect(teaser.contains("data-access-reason role=\"status\" hidden"))
        #expect(!teaser.contains("data-lesson-progress"), "a teaser offers to complete a lesson the reader cannot read")
        let course = try #require(site.read("dist/courses/course/index.html"))
        #expect(course.contains("data-lectern-progress hidden") && course.contains("data-lectern-continue hidden"))
    }

    @Test func aSiteCanReplaceALearningPageOrOverrideItsPartial() throws {
        var files = TestSite.minimal
        files["layouts/partials/learning-dashboard.mustache"] = "<p>Your courses live at {{site.title}} HQ.</p>\n"
        files["content/certificates.md"] = "---\ntitle: Certificates\n---\nWrite to us to check one.\n"
        let site = try TestSite(files)
        defer { site.remove() }
        let report = site.build()
        #expect(report.succeeded, "\(report.lines)")
        let dashboard = try #require(site.read("dist/account/learning/index.html"))
        #expect(dashboard.contains("<p>Your courses live at Test Site HQ.</p>"))
        #expect(!dashboard.contains("data-learning-courses"))
        let certificates = try #require(site.read("dist/certificates/index.html"))
        #expect(certificates.contains("Write to us to check one."))
        #expect(!certificates.contains("data-certificate-page"))
    }
}
