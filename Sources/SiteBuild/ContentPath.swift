/// Where a file under `content/` ends up: its kind of page and its pretty URL.
///
/// URLs and default ids depend on the path alone, so every link can be resolved before any file
/// is parsed, and a numeric ordering prefix (`03-writing-briefs.md`) never reaches a URL.
struct ContentPath: Hashable, Sendable {
    /// What a Markdown file is, by where it sits.
    enum Kind: String, Sendable, Codable {
        case home, page, catalogue, course, module, lesson, updates, post
        /// A lesson placed directly in a course folder instead of a module folder.
        case strayLesson
        /// A prompt template (`templates/x.md`) and a brand-voice profile (`brand/x.md`): read
        /// by the build for the AI copy tools, never published as pages.
        case template, brand
    }

    /// Path relative to `content/`, with `/` separators: `courses/ai/01-intro/02-why.md`.
    let relative: String

    /// The published URL, worked out once: the build asks for it many times per file.
    let url: String

    init(_ relative: String) {
        self.relative = relative
        self.url = ContentPath.url(of: relative)
    }

    var components: [Substring] { relative.split(separator: "/") }
    var isMarkdown: Bool { relative.hasSuffix(".md") }
    var isIndex: Bool { relative == "_index.md" || relative.hasSuffix("/_index.md") }

    var kind: Kind {
        let parts = components
        let inCourses = parts.first == "courses"
        switch (inCourses, parts.count, isIndex) {
        case (_, 1, true): return .home
        case (true, 2, true): return .catalogue
        case (true, 3, true): return .course
        case (true, 4, true): return .module
        case (true, 3, false): return .strayLesson
        case (true, 4, false): return .lesson
        default: break
        }
        if parts.first == "updates" && parts.count == 2 { return isIndex ? .updates : .post }
        if parts.first == "templates", parts.count == 2, !isIndex { return .template }
        if parts.first == "brand", parts.count == 2, !isIndex { return .brand }
        return .page
    }

    /// The site path a file is published at, without the site root: `/courses/ai/intro/why/`.
    private static func url(of relative: String) -> String {
        let components = relative.split(separator: "/")
        let isMarkdown = relative.hasSuffix(".md")
        var parts = components.map { ContentPath.stripOrderPrefix(String($0)) }
        guard let last = parts.popLast() else { return "/" }
        if isMarkdown {
            if last != "_index.md" { parts.append(String(last.dropLast(3))) }
            return parts.isEmpty ? "/" : "/" + parts.joined(separator: "/") + "/"
        }
        // Assets keep their file name (it may be referenced verbatim by authors' HTML).
        let file = components.last.map(String.init) ?? last
        return "/" + (parts + [file]).joined(separator: "/")
    }

    /// The default stable id: the path under `courses/` without ordering prefixes or extension.
    var derivedID: String {
        let trimmed = url.hasPrefix("/courses/") ? url.dropFirst("/courses/".count) : url.dropFirst()
        return trimmed.hasSuffix("/") ? String(trimmed.dropLast()) : String(trimmed)
    }

    /// The order a numeric file-name prefix gives (`03-x.md` → 3), if any.
    var orderPrefix: Int? {
        let name = isIndex ? String(components.dropLast().last ?? "") : String(components.last ?? "")
        let digits = name.prefix(while: \.isNumber)
        guard !digits.isEmpty, digits.count < name.count else { return nil }
        return Int(digits)
    }

    /// The folder this file sits in, relative to `content/` (empty at the top).
    var directory: String {
        guard let slash = relative.lastIndex(of: "/") else { return "" }
        return String(relative[..<slash])
    }

    /// `03-writing-briefs` → `writing-briefs`; names without a numeric prefix are unchanged.
    static func stripOrderPrefix(_ name: String) -> String {
        let digits = name.prefix(while: \.isNumber)
        guard !digits.isEmpty else { return name }
        let rest = name.dropFirst(digits.count)
        guard let separator = rest.first, "-_.".contains(separator), rest.count > 1 else { return name }
        return String(rest.dropFirst())
    }

    /// Resolves a relative reference (`../02-prompts/01-briefs.md`) against this file's folder.
    /// Returns `nil` when it climbs above `content/`.
    func resolve(_ reference: String) -> String? {
        var parts = reference.hasPrefix("/") ? [] : directory.split(separator: "/").map(String.init)
        for part in reference.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                guard parts.popLast() != nil else { return nil }
            default: parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }
}
