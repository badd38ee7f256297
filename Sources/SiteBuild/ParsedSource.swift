import Foundation
import SiteModel

/// One Markdown file after its front matter and body are parsed: the page and the
/// kind-specific fields (lesson duration, course level, …) that the site resolver assembles.
struct ParsedSource: Sendable {
    var path: ContentPath
    var page: Page
    var id: String?
    var duration: Int?
    var access: Access?
    var level: String?
    var offer: String?
    /// Links to other Markdown files with a `#fragment`, checked once every file is parsed.
    var anchoredLinks: [AnchoredLink] = []
    /// The lesson's quizzes, answers included (the page shows only the questions).
    var quizzes: [Quiz] = []
    /// A prompt template or a brand profile, for files under `templates/` and `brand/`.
    var template: PromptTemplate?
    var brand: BrandProfile?
    /// Lesson access rules: prerequisites (with the line they are on) and drip.
    var requires: [String] = []
    var requiresLine: Int?
    var availableAfterDays: Int?
    var availableFrom: String?
    var diagnostics: [Diagnostic] = []
    /// True when this came from the build cache without its HTML (`page.html` is empty).
    var bodyIsCached = false

    struct AnchoredLink: Sendable {
        /// Target path relative to `content/`.
        var target: String
        var fragment: String
        var line: Int
    }
}

/// Turns a source file into a `ParsedSource`: front matter fields by kind, Markdown to HTML,
/// every link and image resolved against the files that exist.
struct SourceParser: Sendable {
    /// Every file under `content/`, relative to it.
    let knownFiles: Set<String>
    /// Prefix for published URLs (`/`, or `/docs/` under a base path).
    let root: String
    /// The site's `content/` folder, for files a lesson includes (mdbook-quiz `.toml`).
    var contentDirectory: String = ""

    static let pageFields = ["title", "description", "layout", "date", "draft", "image", "weight", "tags"]
    static let lessonFields = ["title", "description", "duration", "access", "draft", "id", "weight", "image", "tags", "layout",
                               "requires", "available_after_days", "available_from"]
    static let courseFields = ["title", "description", "level", "offer", "access", "draft", "id", "weight", "image", "tags"]
    static let moduleFields = ["title", "description", "draft", "weight", "image"]

    /// `{{#quiz path.toml}}`: the file beside the lesson, read and converted.
    func mdbookQuiz(_ reference: String, from path: ContentPath, file: String, line: Int,
                    diagnostics: inout [Diagnostic]) -> Quiz? {
        guard let target = path.resolve(reference), knownFiles.contains(target), target.hasSuffix(".toml") else {
            diagnostics.append(Diagnostic(.error, file: file, line: line,
                "`{{#quiz \(reference)}}` names no `.toml` file under content/ (paths are relative to this lesson)"))
            return nil
        }
        guard let bytes = try? FileSystem.read(contentDirectory + "/" + target) else {
            diagnostics.append(Diagnostic(.error, file: file, line: line, "cannot read content/\(target)"))
            return nil
        }
        let stem = ((target as NSString).lastPathComponent as NSString).deletingPathExtension
        return MdbookQuiz.parse(String(decoding: bytes, as: UTF8.self), file: "content/" + target, id: stem, line: line,
                                diagnostics: &diagnostics)
    }

    func parse(_ source: SourceFile) -> ParsedSource {
        let file = "content/" + source.path.relative
        var diagnostics: [Diagnostic] = []
        let matter = FrontMatter.parse(source.text, file: file, diagnostics: &diagnostics)
        var fields = FieldReader(file: file, fields: matter.fields)
        let kind = source.path.kind
        if kind == .template || kind == .brand {
            // Not Markdown pages: a template's body is its prompt, a profile's its notes.
            var parsed = ParsedSource(path: source.path, page: Page(source: file, url: source.path.url, title: ""))
            if kind == .template {
                parsed.template = TemplateParser.template(&fields, body: matter.body, bodyLine: matter.bodyLine,
                                                          path: source.path, file: file)
                parsed.page.title = parsed.template?.title ?? ""
                parsed.page.draft = fields.bool("draft") ?? false
            } else {
                parsed.brand = TemplateParser.brand(&fields, body: matter.body, path: source.path)
            }
            parsed.diagnostics = diagnostics + fields.diagnostics
            return parsed
        }

        var anchored: [ParsedSource.AnchoredLink] = []
        var quizzes: [Quiz] = []
        let isLesson = kind == .lesson || kind == .strayLesson
        let lessonID = (isLesson ? fields.peekString("id") : nil) ?? source.path.derivedID
        let document = MarkdownDocument(markdown: matter.body, lineOffset: matter.bodyLine, rewrite: { reference in
            publish(reference, from: source.path, file: file, anchored: &anchored, diagnostics: &diagnostics)
        }, fenced: { block in
            guard block.info == "quiz" || block.info == "mdbook-quiz" else { return nil }
            guard isLesson else {
                diagnostics.append(Diagnostic(.error, file: file, line: block.contentLine - 1,
                    "quizzes belong in lessons (a `.md` file inside a course module)"))
                return ""
            }
            let parsedQuiz: Quiz?
            if block.info == "mdbook-quiz" {
                parsedQuiz = mdbookQuiz(block.literal, from: source.path, file: file, line: block.contentLine - 1,
                                        diagnostics: &diagnostics)
            } else {
                parsedQuiz = QuizParser.parse(block.literal, file: file, line: block.contentLine,
                                              index: quizzes.count + 1, diagnostics: &diagnostics)
            }
            guard let quiz = parsedQuiz else { return "" }
            if let first = quizzes.first(where: { $0.id == quiz.id }) {
                diagnostics.append(Diagnostic(.error, file: file, line: quiz.line,
                    "duplicate quiz id `\(quiz.id)` (first on line \(first.line)); give each quiz in a lesson its own `id`"))
                return ""
            }
            quizzes.append(quiz)
            return QuizForm.html(quiz, lessonID: lessonID)
        })

        var page = Page(source: file, url: source.path.url, title: "")
        page.title = fields.string("title") ?? document.firstTitle ?? Self.title(fromFileName: source.path)
        page.description = fields.string("description") ?? ""
        page.draft = fields.bool("draft") ?? false
        page.weight = fields.int("weight")
        page.image = fields.string("image")
        _ = fields.stringList("tags")
        page.html = document.html
        page.headings = document.headings
        page.wordCount = document.wordCount
        page.excerpt = document.excerpt

        var parsed = ParsedSource(path: source.path, page: page)
        parsed.quizzes = quizzes
        switch kind {
        case .lesson, .strayLesson:
            parsed.id = fields.string("id")
            parsed.duration = fields.int("duration", meaning: "a number of minutes")
            parsed.access = fields.choice("access", as: Access.self)
            parsed.page.layout = fields.string("layout")
            parsed.requiresLine = fields.fields["requires"]?.line
            parsed.requires = fields.stringList("requires") ?? []
            parsed.availableAfterDays = fields.int("available_after_days", meaning: "a number of days")
            if let days = parsed.availableAfterDays, days < 0 {
                fields.report(.error, line: fields.fields["available_after_days"]?.line,
                    "`available_after_days` must be 0 or more (days after enrolment)")
            }
            parsed.availableFrom = fields.date("available_from")
            fields.finish(known: Self.lessonFields)
        case .course:
            parsed.id = fields.string("id")
            parsed.level = fields.string("level")
            parsed.offer = fields.string("offer")
            parsed.access = fields.choice("access", as: Access.self)
            fields.finish(known: Self.courseFields)
        case .module:
            fields.finish(known: Self.moduleFields)
        case .home, .page, .catalogue, .updates, .post:
            parsed.page.layout = fields.string("layout")
            parsed.page.date = fields.date("date")
            fields.finish(known: Self.pageFields)
        case .template, .brand:
            break  // handled before the Markdown (see above)
        }
        parsed.anchoredLinks = anchored
        parsed.diagnostics = diagnostics + fields.diagnostics
        return parsed
    }

    /// The URL to publish for a link or image, or `nil` to keep it as written.
    private func publish(
        _ reference: MarkdownDocument.Reference, from path: ContentPath, file: String,
        anchored: inout [ParsedSource.AnchoredLink], diagnostics: inout [Diagnostic]
    ) -> String? {
        let destination = reference.destination
        if destination.isEmpty || destination.hasPrefix("#") || destination.hasPrefix("//")
            || Self.hasScheme(destination)
        {
            return nil
        }
        if destination.hasPrefix("/") {
            return root == "/" ? nil : String(root.dropLast()) + destination
        }
        // Split off `#fragment` and `?query`, resolve the file part against this file's folder.
        var filePart = Substring(destination)
        var suffix = ""
        if let cut = filePart.firstIndex(where: { $0 == "#" || $0 == "?" }) {
            suffix = String(filePart[cut...])
            filePart = filePart[..<cut]
        }
        let decoded = String(filePart).removingPercentEncoding ?? String(filePart)
        let what = reference.isImage ? "image" : "link"
        guard let target = path.resolve(decoded) else {
            diagnostics.append(Diagnostic(.error, file: file, line: reference.line,
                "\(what) `\(destination)` points outside content/; link to a file inside the site"))
            return nil
        }
        var resolved = target
        if !knownFiles.contains(resolved), knownFiles.contains(resolved + "/_index.md") {
            resolved += "/_index.md"
        } else if !knownFiles.contains(resolved), knownFiles.contains(resolved + "_index.md") {
            resolved += "_index.md"
        }
        guard knownFiles.contains(resolved) else {
            diagnostics.append(Diagnostic(.error, file: file, line: reference.line,
                "\(what) `\(destination)` points to content/\(target), which does not exist; fix the path or add the file"))
            return nil
        }
        if suffix.hasPrefix("#"), resolved.hasSuffix(".md") {
            anchored.append(.init(target: resolved, fragment: String(suffix.dropFirst()), line: reference.line))
        }
        return root + ContentPath(resolved).url.dropFirst() + suffix
    }

    private static func hasScheme(_ destination: String) -> Bool {
        guard let colon = destination.firstIndex(of: ":") else { return false }
        let scheme = destination[..<colon]
        return !scheme.isEmpty && scheme.allSatisfy { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }
    }

    /// The source with its text read again, for a file the cache said was unchanged.
    static func reload(_ source: SourceFile, in context: BuildContext) -> SourceFile {
        var reloaded = source
        let bytes = (try? FileSystem.read(context.path("content/" + source.path.relative))) ?? []
        reloaded.text = String(decoding: bytes, as: UTF8.self)
        reloaded.isUnchanged = false
        return reloaded
    }

    /// `03-writing-briefs.md` → `Writing briefs`: the last resort for a title.
    static func title(fromFileName path: ContentPath) -> String {
        let name = path.isIndex ? String(path.components.dropLast().last ?? "Home") : String(path.components.last ?? "")
        let stem = ContentPath.stripOrderPrefix(name.hasSuffix(".md") ? String(name.dropLast(3)) : name)
        let words = stem.replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "_", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }
}
