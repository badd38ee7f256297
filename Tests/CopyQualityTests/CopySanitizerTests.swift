import CopyQuality
import Testing

@Suite struct CopySanitizerTests {
    /// Classic XSS payloads come out as harmless text, usually nothing at all.
    @Test(arguments: [
        ("<img src=x onerror=alert(1)>Hi", "Hi"),
        ("<script>alert(1)</script>Buy now", "Buy now"),
        ("<SCRIPT type=\"text/javascript\">document.write('<b>x</b>')</SCRIPT>ok", "ok"),
        ("Hello<script>alert(1)", "Hello"),
        ("<a href=\"javascript:alert(1)\">Click here</a>", "Click here"),
        ("<a href=javascript:alert(1)>Start</a> now", "Start now"),
        ("<style>body{background:url(javascript:alert(1))}</style>Text", "Text"),
        ("<svg onload=alert(1)><circle/></svg>Shapes", "Shapes"),
        ("<iframe src=\"javascript:alert(1)\"></iframe>Safe", "Safe"),
        ("<div onmouseover=\"alert(1)\">Hover</div>", "Hover"),
        ("<img src=\"x\" alt=\"a>b\" onerror=\"alert(1)\">after", "after"),
        ("<!-- <script>alert(1)</script> -->Visible", "Visible"),
        ("<!DOCTYPE html><?xml version=\"1.0\"?>Doc", "Doc"),
        ("Copy <img src=x onerror=alert(1)", "Copy"),
        ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""),
        ("<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">", "\">"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;Hi", "Hi"),
        ("&amp;lt;img src=x onerror=alert(1)&amp;gt;Hi", "Hi"),
        ("&#60;script&#62;alert(1)&#60;/script&#62;Hi", "Hi"),
        ("<scr<script>ipt>alert(1)</script>", "ipt>alert(1)"),
    ])
    func neutralisesHostileMarkup(_ input: String, _ expected: String) {
        #expect(CopySanitizer.plainText(input) == expected, "\(input)")
    }

    /// Whatever goes in, nothing that a browser would read as a tag comes out, and no control
    /// characters; a second pass changes nothing.
    @Test func neverEmitsATagOrAControlCharacter() {
        let fragments = [
            "<", ">", "/", "script", "<script>", "</script>", "<img", " src=x", " onerror=alert(1)", "\"", "'", "=",
            "&lt;", "&gt;", "&amp;", "&#60;", "&#x3C;", "<!--", "-->", "<!", "<?", "<style>", "<a href=\"",
            "javascript:", "text ", "\n", "\u{0}", "\u{202E}", "\r", "<br>", "<p>", "&nbsp;", "é", "👍🏽",
        ]
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<3000 {
            let input = (0..<Int.random(in: 1...14, using: &generator))
                .map { _ in fragments.randomElement(using: &generator)! }.joined()
            let output = CopySanitizer.plainText(input)
            #expect(!Self.hasTagStart(output), "\(input.debugDescription) → \(output.debugDescription)")
            #expect(!output.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" })
            #expect(!output.unicodeScalars.contains("\u{202E}"))
            #expect(CopySanitizer.plainText(output) == output, "\(input.debugDescription)")
        }
    }

    /// Removing one thing must not assemble another: a NUL, a bidi override or a whole tag
    /// between `<` and `script` is gone, and so is the script it would have made. (The script
    /// is rebuilt only after its end tag went, so it runs to the end of the text: losing the
    /// rest of hostile input beats keeping a script.)
    @Test(arguments: [
        ("ok&#60;\u{0}script>alert(1)</script>", "ok"),
        ("ok<\u{202E}script>alert(1)</script>", "ok"),
        ("ok<<img>script>alert(1)</script>", "ok"),
        ("ok<<b>img src=x onerror=alert(1)>", "ok"),
        ("ok&amp;amp;amp;amp;amp;lt;script&amp;amp;amp;amp;amp;gt;alert(1)", "ok"),
        ("ok<<img>script>alert(1)</script> and more", "ok"),
    ])
    func removalDoesNotAssembleMarkup(_ input: String, _ expected: String) {
        #expect(CopySanitizer.plainText(input) == expected, "\(input.debugDescription)")
    }

    /// Markup nested deeper than the sanitiser's rounds still comes out without a tag.
    @Test func deepNestingEndsWithoutATag() {
        let input = String(repeating: "<", count: 20) + String(repeating: "<b>", count: 20) + "script>alert(1)"
        let output = CopySanitizer.plainText(input)
        #expect(!Self.hasTagStart(output), "\(output)")
    }

    @Test func keepsPlainTextAndItsComparisons() {
        #expect(CopySanitizer.plainText("5 < 10 and 10 > 5") == "5 < 10 and 10 > 5")
        #expect(CopySanitizer.plainText("Swift & SwiftUI: 2 <-> 3") == "Swift & SwiftUI: 2 <-> 3")
        #expect(CopySanitizer.plainText("javascript:alert(1) is just text") == "javascript:alert(1) is just text")
    }

    @Test func decodesCommonEntities() {
        #expect(
            CopySanitizer.plainText("Tom &amp; Jerry&#39;s &quot;caf&eacute;&quot; &mdash; &#x263A;&nbsp;now") == "Tom & Jerry's \"café\" — ☺ now"
        )
        #expect(CopySanitizer.plainText("&unknown; &amp &#xZZ; &#0;!") == "&unknown; &amp &#xZZ; \u{FFFD}!")
    }

    @Test func turnsBlockTagsIntoLines() {
        #expect(CopySanitizer.plainText("<p>First</p><p>Second</p>") == "First\n\nSecond")
        #expect(CopySanitizer.plainText("<ul><li>One</li><li>Two</li></ul>") == "One\nTwo")
        #expect(CopySanitizer.plainText("Line<br>Next<BR/>Last") == "Line\nNext\nLast")
        #expect(CopySanitizer.plainText("<h1>Title</h1>Body <b>bold</b> <em>text</em>") == "Title\n\nBody bold text")
    }

    @Test func dropsControlAndDirectionCharacters() {
        #expect(CopySanitizer.plainText("A\u{0}B\u{7}C\u{1B}[31mD\u{202E}E\u{FEFF}F\tG") == "ABC[31mDEF\tG")
        #expect(CopySanitizer.plainText("one\r\ntwo\rthree\u{2028}four") == "one\ntwo\nthree\nfour")
        // Joiners hold emoji together; they stay.
        #expect(CopySanitizer.plainText("👩‍💻 devs") == "👩‍💻 devs")
    }

    @Test func collapsesBlankLinesAndTrims() {
        #expect(CopySanitizer.plainText("\n\n  Para one.  \n\n\n \t \n\nPara two.\n\n") == "Para one.\n\nPara two.")
    }

    @Test func sanitizedVariantCleansEveryField() {
        let variant = CopyVariant(fields: ["headline": "<b>Learn</b> Swift", "description": "<script>x()</script>Go"])
        #expect(variant.sanitized().fields == ["headline": "Learn Swift", "description": "Go"])
    }

    /// `<` then an ASCII letter, `</` then a letter, `<!` or `<?`: where a browser's tokenizer
    /// leaves text and starts a tag, end tag, comment or declaration.
    private static func hasTagStart(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        func isLetter(_ index: Int) -> Bool {
            index < scalars.count && scalars[index].isASCII && scalars[index].properties.isAlphabetic
        }
        return scalars.indices.contains { index in
            guard scalars[index] == "<", index + 1 < scalars.count else { return false }
            let next = scalars[index + 1]
            return isLetter(index + 1) || next == "!" || next == "?" || (next == "/" && isLetter(index + 2))
        }
    }
}

/// A small deterministic generator (SplitMix64), so the fuzz cases are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
