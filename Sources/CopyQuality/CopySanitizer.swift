import Foundation

/// Turns model output into plain text for a page.
///
/// The page escapes what it shows; this is the second layer, so that copy which reaches a
/// page, a CSV export or a clipboard carries no markup, script or invisible characters even
/// where a template forgets to escape.
public enum CopySanitizer {
    /// Plain text from model output.
    ///
    /// - Tags are removed; `<script>`, `<style>` and the other elements whose content is not
    ///   text (`iframe`, `noscript`, `template`, `textarea`, `title`…) go with their content.
    ///   Line-breaking tags (`br`, `p`, `li`, `div`, headings…) become line breaks; a link
    ///   becomes its text, so `javascript:` targets disappear with the tag.
    /// - Common named entities and numeric references are decoded. Text that decodes into
    ///   markup (`&lt;script&gt;`) is stripped again, so an encoded tag cannot survive as a tag.
    /// - Control characters other than newline and tab are dropped, as are bidirectional
    ///   overrides and byte-order marks (they make text read differently from how it is
    ///   stored); CR, CRLF and Unicode line separators become newlines.
    /// - Trailing spaces go; runs of blank lines become one blank line; the ends are trimmed.
    public static func plainText(_ text: String) -> String {
        var current = text
        for _ in 0..<maximumRounds {
            // Each step can expose markup to the next: dropping a NUL joins `<` to `script`,
            // removing a tag joins `<` to what followed it, decoding turns `&lt;` into `<`. So
            // the steps repeat until a round changes nothing: then no tag and no entity is left.
            let next = HTMLEntities.decode(MarkupStripper.strip(removeInvisibleCharacters(current)))
            if next == current { return tidyLines(current) }
            current = next
        }
        // Nesting deeper than the rounds is an attack, not copy: keep the text, drop every `<`
        // that would still open a tag.
        let text = removeInvisibleCharacters(MarkupStripper.strip(removeInvisibleCharacters(current)))
        return tidyLines(MarkupStripper.removeTagOpeners(text))
    }

    /// Enough for markup encoded three times over; real model output settles in one or two.
    private static let maximumRounds = 8

    private static func removeInvisibleCharacters(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\n" where previousWasCR:
                continue
            case "\r", "\u{2028}", "\u{2029}", "\u{85}":
                scalars.append("\n")
            case "\n", "\t":
                scalars.append(scalar)
            case "\u{202A}"..."\u{202E}", "\u{2066}"..."\u{2069}", "\u{FEFF}", "\u{FFF9}"..."\u{FFFB}":
                continue
            default:
                let properties = scalar.properties
                if properties.generalCategory == .control || properties.isNoncharacterCodePoint { continue }
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    private static func tidyLines(_ text: String) -> String {
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.reversed().drop { $0 == " " || $0 == "\t" }
            let kept = line.prefix(trimmed.count)
            if kept.isEmpty, lines.last?.isEmpty ?? true { continue }
            lines.append(kept)
        }
        return lines.joined(separator: "\n").trimmedForCopy
    }
}
