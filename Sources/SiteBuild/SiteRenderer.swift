import Foundation
import SiteModel

/// Renders every page of the site with the theme's layouts.
///
/// What many pages share — site values, each course's syllabus and its sidebar HTML — is built
/// once here and reused: rendering the course sidebar per lesson was most of the cost of a build.
struct SiteRenderer: Sendable {
    let context: BuildContext
    private let siteValues: [String: Any & Sendable]
    private let offerValues: [[String: Any & Sendable]]
    private let assets: [String: String]

    /// A page to render: its URL, layout and the values only it has.
    ///
    /// The values are built only when the page is rendered: an incremental build decides from
    /// `key` alone that most pages are unchanged, and building their values (each lesson's
    /// course, module and sidebar) was most of a no-change rebuild's time.
    struct Job: Sendable {
        var page: Page
        var layout: String
        var makeValues: @Sendable () -> [String: Any & Sendable]
        var destination: OutputFile.Destination = .public
        /// Where the current lesson's link in `values["sidebar"]` is marked.
        var currentURL: String?
        /// Hash of everything this page's HTML depends on, for incremental builds.
        var key: UInt64 = 0
        /// Whether search engines are asked not to index the page (besides drafts and the 404 page).
        var noindex = false

        /// The name the build cache knows this page's output by.
        var cacheName: String { (destination == .public ? "public:" : "private:") + SiteRenderer.outputPath(page.url) }

        /// The page's incremental key: what `key` holds after `jobs()` (what it shows of other
        /// pages) with the global key, the layout, the URL and its source's content hash.
        func outputKey(globalKey: UInt64, sourceHash: UInt64) -> UInt64 {
            var hash = ContentHash()
            hash.add(String(globalKey))
            hash.add(layout)
            hash.add(page.url)
            hash.add(String(sourceHash))
            hash.add(String(key))
            return hash.value
        }
    }

    init(context: BuildContext, assetURLs: [String: String]) {
        self.context = context
        self.assets = assetURLs
        let config = context.config
        self.offerValues = config.offers.map { offer in
            var value: [String: Any & Sendable] = [
                "id": offer.id, "name": offer.name, "description": offer.description, "price": offer.price,
                "priceText": offer.priceText, "intervalText": offer.intervalText, "isFree": offer.price == 0,
                "highlighted": offer.highlighted, "features": offer.features, "cta": offer.cta,
                "ctaURL": context.link(offer.ctaURL ?? "/pricing/"),
            ]
            if let interval = offer.interval { value["interval"] = interval }
            value["courses"] = offer.courses.compactMap { id in
                context.site.courses.first { $0.id == id }.map { ["title": $0.page.title, "url": context.link($0.page.url)] }
            }
            return value
        }
        self.siteValues = [
            "title": config.title, "description": config.description, "language": config.language,
            "author": config.author, "baseURL": config.baseURL, "root": config.rootPath,
            "year": String(Calendar(identifier: .gregorian).component(.year, from: context.options.buildDate)),
            "searchIndex": context.link("/search-index.json"), "feed": context.link("/feed.xml"),
            "nav": config.nav.map { ["title": $0.title, "url": context.link($0.url)] },
            "footerNav": config.footerNav.map { ["title": $0.title, "url": context.link($0.url)] },
        ]
    }

    /// Every page of the site as a render job, in a stable order.
    func jobs() -> [Job] {
        let site = context.site
        var jobs: [Job] = []
        let renderer = self
        let courseCells = site.courses.map { course in Lazy { renderer.courseValue(course) } }
        let courseValues = Lazy { courseCells.map(\.value) }
        let courseKeys = site.courses.map(Self.structureKey)
        var allCourses = ContentHash()
        for key in courseKeys { allCourses.add(String(key)) }
        let posts = site.pages.filter { ContentPath(String($0.source.dropFirst("content/".count))).kind == .post }
            .sorted { ($0.date ?? "") > ($1.date ?? "") }
        for page in site.pages {
            let kind = ContentPath(String(page.source.dropFirst("content/".count))).kind
            let makeValues: @Sendable () -> [String: Any & Sendable] = switch kind {
            case .home, .catalogue: { ["courses": courseValues.value] }
            case .updates: { ["posts": posts.map(renderer.postValue)] }
            default: { [:] }
            }
            var job = Job(page: page, layout: page.layout ?? Self.defaultLayout(kind), makeValues: makeValues)
            job.key = kind == .home || kind == .catalogue ? allCourses.value : kind == .updates ? Self.postsKey(posts) : 0
            jobs.append(job)
        }
        if !site.pages.contains(where: { $0.url == "/courses/" }), !site.courses.isEmpty {
            let catalogue = Page(source: "content/courses/_index.md", url: "/courses/", title: "Courses")
            jobs.append(Job(page: catalogue, layout: "catalogue", makeValues: { ["courses": courseValues.value] }, key: allCourses.value))
        }
        if !posts.isEmpty, !site.pages.contains(where: { $0.url == "/updates/" }) {
            let updates = Page(source: "content/updates/_index.md", url: "/updates/", title: "Updates")
            jobs.append(Job(page: updates, layout: "updates", makeValues: { ["posts": posts.map(renderer.postValue)] },
                key: Self.postsKey(posts)))
        }
        for courseIndex in site.courses.indices {
            let value = courseCells[courseIndex]
            jobs += courseJobs(courseIndex, value: value, sidebar: sidebar(value), key: courseKeys[courseIndex])
        }
        jobs += templateJobs()
        jobs += AccountPages.jobs(for: context)
        jobs += LearningPages.jobs(for: context)
        jobs += GenerationPages.jobs(for: context)
        let notFound = Page(source: "(404)", url: "/404.html", title: "Page not found",
            description: "The page you asked for is not here.")
        jobs.append(Job(page: notFound, layout: "404", makeValues: { [:] }))
        return jobs
    }

    /// The jobs of the pages made from `sources` (paths like `content/about.md`), as `jobs()`
    /// makes them. When every source is a course's page, only those courses' jobs are made —
    /// a 10k-lesson site's full list took a resident rebuild several milliseconds.
    ///
    /// - Parameters:
    ///   - courses: the courses holding every one of `sources`, or `nil` if some are not in a course.
    ///   - parts: each course's values and sidebar, kept from an earlier call while the site's
    ///     structure is unchanged (see `CourseParts`).
    func jobs(from sources: Set<String>, courses: [Int]?, parts: CourseParts) -> [Job] {
        guard let courses else { return jobs().filter { sources.contains($0.page.source) } }
        return courses.flatMap { index in
            let (value, sidebar) = parts.cells(for: index, renderer: self)
            return courseJobs(index, value: value, sidebar: sidebar, key: Self.structureKey(context.site.courses[index]))
                .filter { sources.contains($0.page.source) }
        }
    }

    /// Each course's values and rendered sidebar, made once and reused by later rebuilds of a
    /// resident build for as long as the site's structure stays the same (a 200-lesson
    /// sidebar is most of the cost of rendering one lesson).
    final class CourseParts: @unchecked Sendable {
        // @unchecked: `cells` is only touched under `lock`; the cells are `Lazy` (thread-safe).
        private let lock = NSLock()
        private var cells: [Int: (Lazy<[String: Any & Sendable]>, Lazy<String>)] = [:]

        init() {}

        func cells(for course: Int, renderer: SiteRenderer) -> (Lazy<[String: Any & Sendable]>, Lazy<String>) {
            lock.lock()
            defer { lock.unlock() }
            if let made = cells[course] { return made }
            // Made now rather than lazily: a lazy cell would hold on to the renderer, and with it
            // the context's arrays, which the resident build then could not change in place.
            let value = renderer.courseValue(renderer.context.site.courses[course])
            let cell = Lazy { value }
            let made = (cell, renderer.sidebar(cell))
            cells[course] = made
            return made
        }
    }

    /// The sidebar partial sees the course's values at the top level and as `course`; rendered
    /// once per course, and only if one of its pages is rendered.
    private func sidebar(_ courseValue: Lazy<[String: Any & Sendable]>) -> Lazy<String> {
        let siteValues = self.siteValues
        let theme = context.theme
        return Lazy { () -> String in
            let value = courseValue.value
            return theme.render("partials/sidebar", value.merging(["course": value, "site": siteValues]) { $1 })
        }
    }

    /// A course's page, its modules' and its lessons' (teasers and private pages of gated ones).
    private func courseJobs(
        _ courseIndex: Int, value courseValue: Lazy<[String: Any & Sendable]>, sidebar: Lazy<String>, key: UInt64
    ) -> [Job] {
        let course = context.site.courses[courseIndex]
        var jobs: [Job] = []
        let renderer = self
        jobs.append(Job(page: course.page, layout: "course", makeValues: { ["course": courseValue.value] }))
        let lessons = course.lessons
        var index = 0
        for (moduleIndex, module) in course.modules.enumerated() {
            let moduleValue = { @Sendable in (courseValue.value["modules"] as! [[String: Any & Sendable]])[moduleIndex] }
            jobs.append(Job(page: module.page, layout: "module",
                makeValues: { ["course": courseValue.value, "module": moduleValue(), "sidebar": sidebar.value] },
                currentURL: module.page.url))
            for (lessonIndex, lesson) in module.lessons.enumerated() {
                let position = index
                let readingTime = lesson.page.readingMinutes
                let makeValues: @Sendable () -> [String: Any & Sendable] = {
                    let module = moduleValue()
                    var values: [String: Any & Sendable] = [
                        "course": courseValue.value, "module": module, "sidebar": sidebar.value,
                        "lesson": (module["lessons"] as! [[String: Any & Sendable]])[lessonIndex]
                            .merging(["readingTime": readingTime]) { $1 },
                    ]
                    if position > 0 { values["prev"] = renderer.link(lessons[position - 1].page) }
                    if position + 1 < lessons.count { values["next"] = renderer.link(lessons[position + 1].page) }
                    return values
                }
                let layout = lesson.page.layout ?? "lesson"
                if lesson.isGated {
                    // The public teaser, then the whole lesson for the private output.
                    var teaser = lesson.page
                    teaser.html = ""
                    teaser.headings = []
                    let signInURL = context.link("/account/signin/") + "?return_to=" + context.link(lesson.page.url)
                    let signUpURL = context.link("/account/signup/")
                    jobs.append(Job(page: teaser, layout: "teaser",
                        makeValues: { makeValues().merging(["signInURL": signInURL, "signUpURL": signUpURL]) { $1 } },
                        currentURL: lesson.page.url))
                    jobs.append(Job(page: lesson.page, layout: layout, makeValues: makeValues, destination: .private,
                        currentURL: lesson.page.url))
                } else {
                    jobs.append(Job(page: lesson.page, layout: layout, makeValues: makeValues, currentURL: lesson.page.url))
                }
                index += 1
            }
        }
        // Every page of a course shows its syllabus or sidebar: they share the course's key.
        for job in jobs.indices { jobs[job].key = key }
        return jobs
    }

    /// The template gallery (`/templates/`) and one page per template with its form. The
    /// prompt is not among the values: it never reaches a page.
    private func templateJobs() -> [Job] {
        let templates = context.site.templates
        guard !templates.isEmpty else { return [] }
        let renderer = self
        var galleryKey = ContentHash()
        for template in templates {
            for part in [template.id, template.title, template.description, template.channel, template.url] { galleryKey.add(part) }
        }
        let gallery = Page(source: "content/templates/_index.md", url: "/templates/", title: "Copy templates",
            description: "Fill in a form, get copy that fits the channel's limits, in your brand's voice.")
        var jobs = [Job(page: gallery, layout: "templates", makeValues: {
            let channels = PromptTemplate.channels.compactMap { channel -> [String: Any & Sendable]? in
                let inChannel = templates.filter { $0.channel == channel }
                guard !inChannel.isEmpty else { return nil }
                return ["channel": channel, "title": Self.channelTitle(channel),
                        "templates": inChannel.map { renderer.templateSummary($0) }]
            }
            return ["channels": channels, "templates": templates.map { renderer.templateSummary($0) }]
        }, key: galleryKey.value)]
        for template in templates {
            // The source file, so the page's incremental key follows the template file's hash.
            let page = Page(source: template.source, url: template.url, title: template.title, description: template.description)
            jobs.append(Job(page: page, layout: "template", makeValues: { ["template": renderer.templateValue(template)] }))
        }
        return jobs
    }

    fileprivate func templateSummary(_ template: PromptTemplate) -> [String: Any & Sendable] {
        ["id": template.id, "title": template.title, "description": template.description, "channel": template.channel,
         "channelTitle": Self.channelTitle(template.channel), "url": context.link(template.url)]
    }

    fileprivate func templateValue(_ template: PromptTemplate) -> [String: Any & Sendable] {
        var value = templateSummary(template)
        value["variants"] = template.variants
        value["inputs"] = template.inputs.map { input -> [String: Any & Sendable] in
            var field: [String: Any & Sendable] = [
                "name": input.name, "label": input.label, "required": input.required, "fieldID": "template-" + input.name,
                "isText": input.kind == .text, "isTextarea": input.kind == .textarea, "isChoice": input.kind == .choice,
                "isNumber": input.kind == .number, "choices": input.choices.map { ["value": $0] },
            ]
            if let help = input.help { field["help"] = help }
            if let maxLength = input.maxLength { field["maxLength"] = maxLength }
            return field
        }
        value["outputs"] = template.outputs.map { output -> [String: Any & Sendable] in
            ["name": output.name, "label": output.label, "maxChars": output.maxChars]
        }
        return value
    }

    static func channelTitle(_ channel: String) -> String {
        switch channel {
        case "ads": "Ads"
        case "email": "Email"
        case "social": "Social posts"
        case "landing": "Landing pages"
        case "product": "Product copy"
        case "seo": "Search"
        default: channel.capitalized
        }
    }

    /// Hash of what a course's syllabus, sidebar and prev/next links show. (A lesson's reading
    /// time is not among it: only the lesson's own page shows it.)
    static func structureKey(_ course: Course) -> UInt64 {
        var hash = ContentHash()
        for page in [course.page] + course.modules.map(\.page) {
            hash.add(page.title)
            hash.add(page.description)
            hash.add(page.url)
        }
        hash.add(course.id)
        hash.add(course.level ?? "")
        hash.add(course.offer ?? "")
        for lesson in course.lessons {
            hash.add(lesson.id)
            hash.add(lesson.page.title)
            hash.add(lesson.page.description)
            hash.add(lesson.page.url)
            hash.add(String(lesson.duration))
            hash.add(lesson.access.rawValue)
        }
        return hash.value
    }

    private static func postsKey(_ posts: [Page]) -> UInt64 {
        var hash = ContentHash()
        for post in posts {
            hash.add(post.title)
            hash.add(post.url)
            hash.add(post.description)
            hash.add(post.date ?? "")
        }
        return hash.value
    }

    static func defaultLayout(_ kind: ContentPath.Kind) -> String {
        switch kind {
        case .home: "home"
        case .catalogue: "catalogue"
        case .updates: "updates"
        case .post: "post"
        case .course: "course"
        case .module: "module"
        case .lesson, .strayLesson: "lesson"
        case .page: "page"
        case .template: "template"
        case .brand: "page"
        }
    }

    /// Renders one job to its output file.
    func render(_ job: Job) -> OutputFile {
        var values = job.makeValues()
        values["site"] = siteValues.merging(["nav": navValues(current: job.page.url)]) { $1 }
        values["assets"] = assets
        values["offers"] = offerValues
        values["page"] = pageValue(job.page, noindex: job.noindex || job.page.url == "/404.html" || job.page.draft)
        if let current = job.currentURL, let sidebar = values["sidebar"] as? String {
            values["sidebar"] = Self.markCurrent(context.link(current), in: sidebar)
        }
        let html = context.theme.render(job.layout, values)
        return OutputFile(path: Self.outputPath(job.page.url), text: html, destination: job.destination)
    }

    /// `/courses/x/` → `courses/x/index.html`; `/404.html` → `404.html`.
    static func outputPath(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropFirst()) + "index.html" : String(url.dropFirst())
    }

    /// Marks the link to `url` in pre-rendered navigation HTML as the current page.
    ///
    /// A byte search over UTF-8: this runs once per lesson over the whole course
    /// sidebar, where Foundation's `range(of:)` was a fifth of the build's time.
    static func markCurrent(_ url: String, in html: String) -> String {
        var html = html
        var needle = "<a href=\"\(url)\""
        let offset: Int? = html.withUTF8 { haystack in
            needle.withUTF8 { pattern in
                guard let first = pattern.first, haystack.count >= pattern.count else { return nil }
                for start in 0...(haystack.count - pattern.count)
                where haystack[start] == first && memcmp(haystack.baseAddress! + start, pattern.baseAddress!, pattern.count) == 0 {
                    return start + pattern.count
                }
                return nil
            }
        }
        guard let offset else { return html }
        let index = html.utf8.index(html.utf8.startIndex, offsetBy: offset)
        html.insert(contentsOf: " aria-current=\"page\"", at: index)
        return html
    }

    private func navValues(current: String) -> [[String: Any & Sendable]] {
        context.config.nav.map { item in
            let isCurrent = item.url == current || (item.url != "/" && current.hasPrefix(item.url))
            return ["title": item.title, "url": context.link(item.url), "current": isCurrent]
        }
    }

    private func pageValue(_ page: Page, noindex: Bool) -> [String: Any & Sendable] {
        let image = page.image ?? context.config.socialImage
        var value: [String: Any & Sendable] = [
            "title": page.title, "url": context.link(page.url),
            "canonical": context.absolute(page.url), "content": page.html,
            "toc": page.headings.filter { $0.level == 2 || $0.level == 3 }
                .map { ["level": $0.level, "id": $0.id, "title": $0.title] as [String: Any & Sendable] },
            "hasToc": page.headings.filter { $0.level == 2 || $0.level == 3 }.count >= 2,
            "readingTime": page.readingMinutes, "noindex": noindex,
            "ogType": page.date != nil || page.source.contains("/courses/") ? "article" : "website",
        ]
        if let image { value["socialImage"] = context.absolute(image) }
        // Left out when empty, so layouts can fall back to the site's description.
        if !page.description.isEmpty { value["description"] = page.description }
        if let date = page.date {
            value["date"] = date
            value["dateText"] = Self.readableDate(date)
        }
        return value
    }

    fileprivate func courseValue(_ course: Course) -> [String: Any & Sendable] {
        var number = 0
        let modules: [[String: Any & Sendable]] = course.modules.enumerated().map { moduleIndex, module in
            let lessons: [[String: Any & Sendable]] = module.lessons.map { lesson in
                number += 1
                return [
                    "id": lesson.id, "number": number, "title": lesson.page.title,
                    "description": lesson.page.description, "url": context.link(lesson.page.url),
                    "duration": lesson.duration, "durationText": Self.minutes(lesson.duration),
                    "access": lesson.access.rawValue, "accessLabel": lesson.access.label,
                    "isFree": lesson.access == .free, "isPreview": lesson.access == .preview,
                    "isPaid": lesson.access == .paid, "isGated": lesson.isGated,
                    "hasRules": !lesson.requires.isEmpty || lesson.availableAfterDays != nil || lesson.availableFrom != nil,
                ]
            }
            return [
                "number": moduleIndex + 1, "title": module.page.title, "description": module.page.description,
                "url": context.link(module.page.url), "lessonCount": module.lessons.count, "lessons": lessons,
            ]
        }
        var value: [String: Any & Sendable] = [
            "id": course.id, "title": course.page.title, "description": course.page.description,
            "url": context.link(course.page.url), "lessonCount": course.lessons.count,
            "durationText": Self.minutes(course.durationMinutes), "modules": modules,
            "offers": context.config.offers.filter { $0.courses.contains(course.id) || $0.id == course.offer }
                .filter { $0.price > 0 }
                .map { ["name": $0.name, "url": context.link("/pricing/"), "priceText": $0.priceText] },
        ]
        if let level = course.level { value["level"] = level }
        if let first = course.lessons.first { value["firstLesson"] = link(first.page) }
        return value
    }

    fileprivate func postValue(_ page: Page) -> [String: Any & Sendable] {
        [
            "title": page.title, "url": context.link(page.url), "description": page.description,
            "date": page.date ?? "", "dateText": page.date.map(Self.readableDate) ?? "",
        ]
    }

    fileprivate func link(_ page: Page) -> [String: Any & Sendable] {
        ["title": page.title, "url": context.link(page.url)]
    }

    /// `95` → `1 h 35 min`.
    static func minutes(_ total: Int) -> String {
        guard total > 0 else { return "" }
        if total < 60 { return "\(total) min" }
        return total % 60 == 0 ? "\(total / 60) h" : "\(total / 60) h \(total % 60) min"
    }

    /// `2026-03-04` → `4 March 2026`.
    static func readableDate(_ date: String) -> String {
        let parts = date.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]) else { return date }
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
            "October", "November", "December"]
        return "\(parts[2]) \(months[parts[1] - 1]) \(parts[0])"
    }
}

/// A value computed on first use, once, whichever thread asks first (render jobs run in
/// parallel and share their course's values and sidebar).
final class Lazy<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `stored` is only touched under `lock`.
    private let lock = NSLock()
    private var stored: Value?
    private let make: @Sendable () -> Value

    init(_ make: @escaping @Sendable () -> Value) {
        self.make = make
    }

    var value: Value {
        lock.lock()
        defer { lock.unlock() }
        if let stored { return stored }
        let made = make()
        stored = made
        return made
    }
}
