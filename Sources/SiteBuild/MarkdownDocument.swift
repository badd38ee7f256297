import CCmarkGFM
import Foundation
import SiteModel

/// One Markdown body rendered to HTML by cmark-gfm, with what the build needs to know about it.
struct MarkdownDocument: Sendable, Codable {
    var html: String
    /// Every heading, with the unique `id` it was given in `html`.
    var headings: [Heading]
    /// The first level-1 heading's text, the title of a file without front matter.
    var firstTitle: String?
    var wordCount: Int
    /// The start of the plain text, for the search index and descriptions.
    var excerpt: String

    /// A link or image destination, as written, and the file line it was written on.
    struct Reference: Sendable {
        var destination: String
        var line: Int
        var isImage: Bool
    }

    /// The GFM extensions Lectern turns on (footnotes are a parser option, not an extension).
    private static let extensionNames = ["table", "strikethrough", "autolink", "tasklist"]
    private static let options = CMARK_OPT_UNSAFE | CMARK_OPT_FOOTNOTES

    /// cmark-gfm's extension registry is global; registering once (thread-safely, as a static
    /// initialiser) before the first parse makes parallel parses safe.
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    private static let parseLock = NSLock()

    /// Parses `markdown` and renders it.
    ///
    /// - Parameters:
    ///   - lineOffset: the file line the Markdown starts on, so references report file lines.
    ///   - rewrite: called for every link and image; returns the destination to publish, or `nil`
    ///     to keep it as written.
    /// A fenced code block, offered to the caller, who may replace it with HTML (quizzes).
    struct FencedBlock {
        var info: String
        var literal: String
        /// File line of the block's first content line.
        var contentLine: Int
    }

    init(markdown: Substring, lineOffset: Int, excerptLength: Int = 300, rewrite: (Reference) -> String?,
         fenced: (FencedBlock) -> String? = { _ in nil }) {
        precondition(Self.registered)
        let parser = cmark_parser_new(Self.options)!
        defer { cmark_parser_free(parser) }
        for name in Self.extensionNames {
            if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
        }
        var text = String(markdown)
        // One parse at a time: cmark-gfm adds the extensions' inline characters (`~`, `:`, `w`)
        // to a global table when it parses inlines and removes them when done, so a parse that
        // ended on another thread made this one miss strikethrough and autolinks — and builds
        // differ from run to run (github/cmark-gfm#176). Parsing is a few percent of a build;
        // the tree walk and HTML rendering below still run in parallel.
        Self.parseLock.lock()
        text.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { cmark_parser_feed(parser, $0.baseAddress, $0.count) }
        }
        let root = cmark_parser_finish(parser)!
        Self.parseLock.unlock()
        defer { cmark_node_free(root) }

        var headingNodes: [(node: OpaquePointer, level: Int, title: String)] = []
        var replacedBlocks: [(node: OpaquePointer, html: String)] = []
        var plain = ""
        var wordCount = 0
        var firstTitle: String?
        let iterator = cmark_iter_new(root)
        defer { cmark_iter_free(iterator) }
        var blockLine = 1
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            let line = Int(cmark_node_get_start_line(node))
            if event == CMARK_EVENT_ENTER, line > 0, (Int32(type.rawValue) & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK {
                blockLine = line
            }
            switch (type, event) {
            case (CMARK_NODE_HEADING, CMARK_EVENT_EXIT):
                let title = Self.plainText(of: node)
                let level = Int(cmark_node_get_heading_level(node))
                if level == 1, firstTitle == nil { firstTitle = title }
                headingNodes.append((node, level, title))
            case (CMARK_NODE_LINK, CMARK_EVENT_ENTER), (CMARK_NODE_IMAGE, CMARK_EVENT_ENTER):
                let destination = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                // cmark-gfm gives inline nodes no reliable line: use the block they sit in.
                let reference = Reference(
                    destination: destination, line: lineOffset + blockLine - 1, isImage: type == CMARK_NODE_IMAGE)
                if let published = rewrite(reference) { cmark_node_set_url(node, published) }
            case (CMARK_NODE_TEXT, CMARK_EVENT_ENTER), (CMARK_NODE_CODE, CMARK_EVENT_ENTER):
                if let literal = cmark_node_get_literal(node) {
                    wordCount += Self.countWords(literal)
                    if plain.utf8.count < excerptLength * 2 { plain += String(cString: literal) + " " }
                }
            case (CMARK_NODE_PARAGRAPH, CMARK_EVENT_EXIT):
                // mdBook's `{{#quiz file.toml}}` on a line of its own (checked cheaply first:
                // this runs for every paragraph).
                guard let first = cmark_node_first_child(node), cmark_node_get_type(first) == CMARK_NODE_TEXT,
                      let literal = cmark_node_get_literal(first), strncmp(literal, "{{#quiz ", 8) == 0 else { break }
                let text = Self.plainText(of: node).trimmingCharacters(in: .whitespaces)
                if text.hasPrefix("{{#quiz "), text.hasSuffix("}}"),
                   let html = fenced(FencedBlock(info: "mdbook-quiz",
                                                 literal: String(text.dropFirst(8).dropLast(2)).trimmingCharacters(in: .whitespaces),
                                                 contentLine: lineOffset + line)) {
                    replacedBlocks.append((node, html))
                }
            case (CMARK_NODE_CODE_BLOCK, CMARK_EVENT_ENTER):
                let info = cmark_node_get_fence_info(node).map { String(cString: $0) } ?? ""
                let literal = cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
                if !info.isEmpty, let html = fenced(FencedBlock(info: info.trimmingCharacters(in: .whitespaces),
                                                                 literal: literal, contentLine: lineOffset + line)) {
                    replacedBlocks.append((node, html))
                } else if let literal = cmark_node_get_literal(node) {
                    wordCount += Self.countWords(literal)
                }
            default:
                break
            }
        }

        for (node, html) in replacedBlocks {
            let replacement = cmark_node_new(CMARK_NODE_HTML_BLOCK)
            cmark_node_set_literal(replacement, html)
            cmark_node_replace(node, replacement)
            cmark_node_free(node)
        }

        // Give headings unique ids by swapping each for the same HTML with an `id` attribute.
        var used: [String: Int] = [:]
        var headings: [Heading] = []
        let extensions = cmark_parser_get_syntax_extensions(parser)
        for (node, level, title) in headingNodes {
            var id = Slug.make(title)
            if let count = used[id] {
                used[id] = count + 1
                id += "-\(count)"
            } else {
                used[id] = 1
            }
            headings.append(Heading(level: level, id: id, title: title))
            guard let rendered = cmark_render_html(node, Self.options, extensions) else { continue }
            var html = String(cString: rendered)
            free(rendered)
            html.insert(contentsOf: " id=\"\(id)\"", at: html.index(html.startIndex, offsetBy: 3))
            let replacement = cmark_node_new(CMARK_NODE_HTML_BLOCK)
            cmark_node_set_literal(replacement, html)
            cmark_node_replace(node, replacement)
            cmark_node_free(node)
        }

        let rendered = cmark_render_html(root, Self.options, extensions)!
        self.html = String(cString: rendered)
        free(rendered)
        self.headings = headings
        self.firstTitle = firstTitle
        self.wordCount = wordCount
        self.excerpt = Self.trim(plain, to: excerptLength)
    }

    /// Words in a C string: runs of bytes between ASCII spaces, tabs and newlines.
    private static func countWords(_ text: UnsafePointer<CChar>) -> Int {
        var count = 0
        var inWord = false
        var pointer = text
        while pointer.pointee != 0 {
            let byte = pointer.pointee
            let isSpace = byte == 32 || byte == 9 || byte == 10 || byte == 13
            if !isSpace && !inWord { count += 1 }
            inWord = !isSpace
            pointer += 1
        }
        return count
    }

    /// The text of a node's descendants, as a reader sees it.
    private static func plainText(of node: OpaquePointer) -> String {
        var text = ""
        let iterator = cmark_iter_new(node)
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let child = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(child)
            if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE, let literal = cmark_node_get_literal(child) {
                text += String(cString: literal)
            }
        }
        return text.trimmingCharacters(in: .whitespaces)
    }

    private static func trim(_ text: String, to length: Int) -> String {
        let collapsed = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard collapsed.count > length else { return collapsed }
        let cut = collapsed.prefix(length)
        return (cut.lastIndex(of: " ").map { String(cut[..<$0]) } ?? String(cut)) + "…"
    }
}
