import SiteModel

/// Assembles parsed files into the site: courses of ordered modules of ordered lessons, and the
/// standalone pages, checking what only the whole site shows (duplicate ids and URLs, empty
/// courses, unknown offers, broken `#fragment`s).
struct SiteResolver {
    let config: SiteConfig
    let includeDrafts: Bool
    private(set) var diagnostics: [Diagnostic] = []

    init(config: SiteConfig, includeDrafts: Bool) {
        self.config = config
        self.includeDrafts = includeDrafts
    }

    mutating func resolve(_ sources: [ParsedSource]) -> Site {
        let visible = sources.filter { includeDrafts || !$0.page.draft }
        var pages: [Page] = []
        var templates: [PromptTemplate] = []
        var brands: [BrandProfile] = []
        var coursesByFolder: [String: ParsedSource] = [:]
        var modulesByFolder: [String: ParsedSource] = [:]
        var lessonsByModule: [String: [ParsedSource]] = [:]
        var courseFolders: [String] = []

        for source in visible {
            let parts = source.path.components.map(String.init)
            switch source.path.kind {
            case .home, .page, .catalogue, .updates, .post:
                pages.append(source.page)
            case .course:
                coursesByFolder[parts[1]] = source
            case .module:
                modulesByFolder[parts[1] + "/" + parts[2]] = source
                courseFolders.append(parts[1])
            case .lesson:
                lessonsByModule[parts[1] + "/" + parts[2], default: []].append(source)
                courseFolders.append(parts[1])
            case .strayLesson:
                diagnostics.append(Diagnostic(.error, file: source.page.source,
                    "lesson sits directly in the course folder; move it into a module folder such as content/courses/\(parts[1])/01-basics/"))
            case .template:
                guard let template = source.template else { break }
                if let other = templates.first(where: { $0.id == template.id }) {
                    diagnostics.append(Diagnostic(.error, file: source.page.source,
                        "template id `\(template.id)` is also used by \(other.url); give each template its own `id`"))
                } else {
                    templates.append(template)
                }
            case .brand:
                if let brand = source.brand { brands.append(brand) }
            }
        }
        // Drafted courses and modules hide everything inside them.
        let hiddenFolders = Set(sources.filter { !includeDrafts && $0.page.draft && ($0.path.kind == .course || $0.path.kind == .module) }
            .map { $0.path.components.dropLast().dropFirst().joined(separator: "/") })
        func hidden(_ folder: String) -> Bool {
            hiddenFolders.contains(folder) || hiddenFolders.contains(String(folder.split(separator: "/")[0]))
        }

        var courses: [Course] = []

        var requiresLines: [String: Int] = [:]
        for courseFolder in Set(courseFolders).union(coursesByFolder.keys).sorted() where !hidden(courseFolder) {
            let courseSource = coursesByFolder[courseFolder]
            let courseFile = "content/courses/\(courseFolder)/_index.md"
            let coursePath = ContentPath("courses/\(courseFolder)/_index.md")
            var course = Course(
                id: courseSource?.id ?? ContentPath.stripOrderPrefix(courseFolder),
                page: courseSource?.page ?? Page(source: courseFile, url: coursePath.url,
                    title: SourceParser.title(fromFileName: coursePath)),
                level: courseSource?.level, offer: courseSource?.offer)
            let defaultAccess = courseSource?.access ?? .paid
            if let offer = course.offer, !config.offers.contains(where: { $0.id == offer }) {
                let known = config.offers.map { "`\($0.id)`" }.joined(separator: ", ")
                diagnostics.append(Diagnostic(.error, file: courseFile, line: nil,
                    "course offer `\(offer)` is not an offer in content/site.yaml; use one of \(known.isEmpty ? "(none defined)" : known)"))
            }
            let moduleFolders = Set(lessonsByModule.keys.filter { $0.hasPrefix(courseFolder + "/") })
                .union(modulesByFolder.keys.filter { $0.hasPrefix(courseFolder + "/") })
            var modules: [(order: (Int, String), module: CourseModule)] = []
            for moduleFolder in moduleFolders where !hidden(moduleFolder) {
                let moduleSource = modulesByFolder[moduleFolder]
                let modulePath = ContentPath("courses/\(moduleFolder)/_index.md")
                var module = CourseModule(
                    id: ContentPath.stripOrderPrefix(String(moduleFolder.split(separator: "/")[1])),
                    page: moduleSource?.page ?? Page(source: "content/" + modulePath.relative, url: modulePath.url,
                        title: SourceParser.title(fromFileName: modulePath)))
                module.lessons = (lessonsByModule[moduleFolder] ?? [])
                    .sorted { Self.order($0) < Self.order($1) }
                    .map { source in
                        var lesson = Lesson(id: source.id ?? source.path.derivedID, page: source.page,
                            duration: source.duration ?? 0, access: source.access ?? defaultAccess, quizzes: source.quizzes)
                        lesson.requires = source.requires
                        lesson.availableAfterDays = source.availableAfterDays
                        lesson.availableFrom = source.availableFrom
                        requiresLines[lesson.id] = source.requiresLine
                        return lesson
                    }
                if module.lessons.isEmpty {
                    diagnostics.append(Diagnostic(.warning, file: module.page.source,
                        "module has no lessons; add lesson files beside its _index.md"))
                }
                let order = moduleSource.map(Self.order) ?? (modulePath.orderPrefix ?? Int.max, moduleFolder)
                modules.append((order, module))
            }
            course.modules = modules.sorted { $0.order < $1.order }.map(\.module)
            if course.modules.isEmpty {
                diagnostics.append(Diagnostic(.error, file: courseFile,
                    "course has no modules; add a module folder with lessons, e.g. content/courses/\(courseFolder)/01-basics/01-welcome.md"))
            }
            courses.append(course)
        }
        courses.sort {
            ($0.page.weight ?? Int.max, $0.page.title) < ($1.page.weight ?? Int.max, $1.page.title)
        }
        checkOffers(courses)
        checkUnique(pages: pages, courses: courses)
        checkPrerequisites(&courses, lines: requiresLines)
        var site = Site(config: config, pages: pages, courses: courses)
        site.templates = templates.sorted { ($0.channel, $0.title) < ($1.channel, $1.title) }
        site.brands = brands.sorted { $0.id < $1.id }
        return site
    }

    /// Front-matter `weight` first, then the file name's numeric prefix, then the name.
    private static func order(_ source: ParsedSource) -> (Int, String) {
        (source.page.weight ?? source.path.orderPrefix ?? Int.max, source.path.relative)
    }

    /// `requires:` entries name lessons (or `lesson#quiz`) that exist; an id without its course
    /// (`prompts/writing-briefs`) is completed with the lesson's own course. A lesson that
    /// requires itself, directly or through others, could never open.
    private mutating func checkPrerequisites(_ courses: inout [Course], lines: [String: Int]) {
        var byID: [String: Lesson] = [:]
        for course in courses { for lesson in course.lessons { byID[lesson.id] = lesson } }
        for courseIndex in courses.indices {
            let course = courses[courseIndex]
            for moduleIndex in course.modules.indices {
                for lessonIndex in course.modules[moduleIndex].lessons.indices {
                    var lesson = courses[courseIndex].modules[moduleIndex].lessons[lessonIndex]
                    lesson.requires = lesson.requires.compactMap { entry in
                        let parts = entry.split(separator: "#", maxSplits: 1).map(String.init)
                        let target = byID[parts[0]] != nil ? parts[0] : course.id + "/" + parts[0]
                        guard let required = byID[target] else {
                            // Suggest from full ids and from this course's short ones (`module/lesson`).
                            let prefix = course.id + "/"
                            let short = byID.keys.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
                            let guess = FieldReader.closest(to: parts[0], in: Array(byID.keys) + short)
                            diagnostics.append(Diagnostic(.error, file: lesson.page.source, line: lines[lesson.id],
                                "`requires` names `\(parts[0])`, which is not a lesson id"
                                    + (guess.map { " (did you mean `\($0)`?)" } ?? "; ids look like `\(course.id)/module/lesson`")))
                            return nil
                        }
                        if parts.count == 2, !required.quizzes.contains(where: { $0.id == parts[1] }) {
                            diagnostics.append(Diagnostic(.error, file: lesson.page.source, line: lines[lesson.id],
                                "`requires` names quiz `\(parts[1])` of `\(target)`, which has no quiz with that id"))
                            return nil
                        }
                        return parts.count == 2 ? target + "#" + parts[1] : target
                    }
                    courses[courseIndex].modules[moduleIndex].lessons[lessonIndex] = lesson
                    byID[lesson.id] = lesson
                }
            }
        }
        // Cycles: follow prerequisites from each lesson; meeting it again means it can never open.
        for (id, lesson) in byID where !lesson.requires.isEmpty {
            var stack = lesson.requires.map { String($0.split(separator: "#")[0]) }
            var seen = Set<String>()
            while let next = stack.popLast() {
                if next == id {
                    diagnostics.append(Diagnostic(.error, file: lesson.page.source, line: lines[id],
                        "`requires` makes a cycle: `\(id)` ends up requiring itself, so it could never open"))
                    break
                }
                guard seen.insert(next).inserted, let required = byID[next] else { continue }
                stack += required.requires.map { String($0.split(separator: "#")[0]) }
            }
        }
    }

    private mutating func checkOffers(_ courses: [Course]) {
        let ids = Set(courses.map(\.id))
        for offer in config.offers {
            for course in offer.courses where !ids.contains(course) {
                diagnostics.append(Diagnostic(.error, file: SiteConfigLoader.file,
                    "offer `\(offer.id)` grants course `\(course)`, which does not exist; known courses: \(ids.sorted().joined(separator: ", "))"))
            }
        }
    }

    private mutating func checkUnique(pages: [Page], courses: [Course]) {
        var ids: [String: String] = [:]
        for lesson in courses.flatMap(\.lessons) {
            if let other = ids[lesson.id] {
                diagnostics.append(Diagnostic(.error, file: lesson.page.source,
                    "lesson id `\(lesson.id)` is also used by \(other); give one of them a different `id`"))
            }
            ids[lesson.id] = lesson.page.source
        }
        var urls: [String: String] = [:]
        let allPages = pages + courses.flatMap { [$0.page] + $0.modules.flatMap { [$0.page] + $0.lessons.map(\.page) } }
        for page in allPages {
            if let other = urls[page.url], other != page.source {
                diagnostics.append(Diagnostic(.error, file: page.source,
                    "URL \(page.url) is also the URL of \(other); rename one file (ordering prefixes are not part of URLs)"))
            }
            urls[page.url] = page.source
        }
    }

    /// Reports `#fragment`s that name no heading of the page they link to.
    mutating func checkAnchors(_ sources: [ParsedSource]) {
        var headingIDs: [String: Set<String>] = [:]
        for source in sources { headingIDs[source.path.relative] = Set(source.page.headings.map(\.id)) }
        for source in sources {
            for link in source.anchoredLinks {
                guard let ids = headingIDs[link.target], !ids.contains(link.fragment) else { continue }
                diagnostics.append(Diagnostic(.warning, file: source.page.source, line: link.line,
                    "link to content/\(link.target)#\(link.fragment): that page has no heading with id `\(link.fragment)`"))
            }
        }
    }
}
