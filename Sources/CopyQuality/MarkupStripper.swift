/// Removes HTML markup the way a browser's tokenizer would see it, keeping the text.
///
/// It works on Unicode scalars, as the HTML tokenizer does, so a combining mark after `<`
/// cannot hide a tag from it. What starts a tag: `<` followed by an ASCII letter, `</`
/// followed by a letter, `<!` (comments, doctypes, CDATA) and `<?`. Anything else, such as
/// "5 < 10", stays text. A tag that never closes runs to the end of the text, as it would in
/// a browser, so `<img src=x onerror=alert(1)` without its `>` is dropped too.
enum MarkupStripper {
    static func strip(_ text: String) -> String {
        var reader = Reader(Array(text.unicodeScalars))
        var output = String.UnicodeScalarView()
        while let scalar = reader.peek() {
            guard scalar == "<", let next = reader.peek(1) else {
                output.append(scalar)
                reader.advance()
                continue
            }
            if isASCIILetter(next) || (next == "/" && reader.peek(2).map(isASCIILetter) == true) {
                let tag = reader.readTag()
                applyLayout(of: tag, to: &output)
                if !tag.isClosing, rawTextElements.contains(tag.name) {
                    reader.skipRawText(until: tag.name)
                }
            } else if next == "!" {
                reader.skipDeclaration()
            } else if next == "?" {
                reader.skip(through: ">")
            } else {
                output.append(scalar)
                reader.advance()
            }
        }
        return String(output)
    }

    /// The text without any `<` that would open a tag or comment; other `<` stay ("5 < 10").
    static func removeTagOpeners(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            let next = index + 1 < scalars.count ? scalars[index + 1] : nil
            let following = index + 2 < scalars.count ? scalars[index + 2] : nil
            if scalar == "<", let next, opensTag(next, then: following) { continue }
            output.append(scalar)
        }
        return String(output)
    }

    /// Whether `<` followed by these scalars starts a tag, end tag, comment or declaration.
    static func opensTag(_ next: Unicode.Scalar, then following: Unicode.Scalar?) -> Bool {
        isASCIILetter(next) || next == "!" || next == "?" || (next == "/" && following.map(isASCIILetter) == true)
    }

    /// Elements whose content is script, style or not meant as text: it goes with the tag.
    static let rawTextElements: Set<String> = [
        "script", "style", "iframe", "noembed", "noframes", "noscript", "xmp", "template",
        "textarea", "title", "object", "svg", "math",
    ]

    /// Tags that end a line; their paragraphs-level kin also leave a blank line after them.
    private static let lineTags: Set<String> = [
        "br", "div", "li", "ul", "ol", "tr", "table", "section", "article", "header", "footer",
        "pre", "hr", "dt", "dd", "dl",
    ]
    private static let paragraphTags: Set<String> = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"]

    private static func applyLayout(of tag: Reader.Tag, to output: inout String.UnicodeScalarView) {
        if tag.name == "br" {
            output.append("\n")
        } else if paragraphTags.contains(tag.name) {
            endLine(&output, blankLines: tag.isClosing ? 1 : 0)
        } else if lineTags.contains(tag.name) {
            endLine(&output, blankLines: 0)
        }
    }

    // Ensures the output ends with a line break (and `blankLines` empty lines), without
    // stacking breaks for nested blocks like `<ul><li>`.
    private static func endLine(_ output: inout String.UnicodeScalarView, blankLines: Int) {
        guard !output.isEmpty else { return }
        let wanted = 1 + blankLines
        let present = output.reversed().prefix { $0 == "\n" }.count
        for _ in present..<max(present, wanted) { output.append("\n") }
    }

    static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}
