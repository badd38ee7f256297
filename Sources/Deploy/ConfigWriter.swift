/// Builds an nginx configuration line by line, indenting blocks.
struct ConfigWriter {
    private(set) var text = ""
    private var depth = 0

    /// A line at the current depth (an empty line stays empty).
    mutating func line(_ content: String = "") {
        text += content.isEmpty ? "\n" : String(repeating: "    ", count: depth) + content + "\n"
    }

    /// `# …` lines, one per element.
    mutating func comment(_ lines: String...) {
        for content in lines { line("# " + content) }
    }

    /// `head {`, the body one level deeper, `}`.
    mutating func block(_ head: String, _ body: (inout ConfigWriter) -> Void) {
        line(head + " {")
        depth += 1
        body(&self)
        depth -= 1
        line("}")
    }
}
