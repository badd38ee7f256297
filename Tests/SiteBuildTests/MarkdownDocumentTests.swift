import Testing

@testable import SiteBuild

@Suite struct MarkdownDocumentTests {
    private func render(_ markdown: String) -> MarkdownDocument {
        MarkdownDocument(markdown: Substring(markdown), lineOffset: 1) { _ in nil }
    }

    @Test func githubExtensionsAreOn() {
        let html = render("""
            | a | b |
            |---|---|
            | 1 | 2 |

            ~~gone~~ and https://example.com

            - [x] done
            - [ ] todo

            Note[^1].

            [^1]: The footnote.
            """).html
        #expect(html.contains("<table>"))
        #expect(html.contains("<del>gone</del>"))
        #expect(html.contains("<a href=\"https://example.com\">"))
        #expect(html.contains("type=\"checkbox\""))
        #expect(html.contains("class=\"footnotes\""))
    }

    @Test func headingsGetUniqueGitHubStyleIDs() {
        let document = render("# Title\n\n## 1. Variations across angles\n\n## Goal\n\n## Goal\n")
        #expect(document.firstTitle == "Title")
        #expect(document.headings.map(\.id) == ["title", "1-variations-across-angles", "goal", "goal-1"])
        #expect(document.html.contains("<h2 id=\"goal-1\">Goal</h2>"))
    }

    @Test func templateSyntaxInMarkdownStaysLiteral() {
        let html = render("Hello {{ name }} and {{{raw}}}\n").html
        #expect(html.contains("{{ name }}"))
        #expect(html.contains("{{{raw}}}"))
    }

    @Test func referencesReportTheirFileLine() {
        var lines: [Int] = []
        _ = MarkdownDocument(markdown: "para\n\nsee [x](a.md)\n", lineOffset: 5) { reference in
            lines.append(reference.line)
            return nil
        }
        #expect(lines == [7])
    }

    @Test func wordsAreCountedForReadingTime() {
        #expect(render("one two three\n\n```\nfour five\n```\n").wordCount == 5)
    }
}
