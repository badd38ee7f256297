import Foundation
import Testing

@testable import SiteBuild

/// Paid lessons must never leak into `dist/`: not in pages, search index, feed or sitemap.
@Suite struct PrivateOutputTests {
    /// Sentences of a lesson body long enough to be unmistakable if they appear elsewhere.
    private static func distinctiveSentences(of markdown: String) -> [String] {
        let body = markdown.components(separatedBy: "\n---\n").dropFirst().joined(separator: "\n---\n")
        return body.split(separator: "\n").map(String.init)
            .filter { line in
                !line.hasPrefix("#") && !line.hasPrefix("|") && !line.hasPrefix("```") && !line.contains("](")
                    && !line.contains("*") && !line.contains("`") && !line.contains("&") && !line.contains("\"")
                    && !line.contains("'") && !line.contains("<") && !line.contains(">") && !line.contains("_")
            }
            .flatMap { $0.components(separatedBy: ". ") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.count > 60 }
    }

    @Test func noPaidLessonBodyAppearsUnderDist() throws {
        let site = try TestSite.demo()
        defer { site.remove() }
        let report = site.build()
        #expect(report.succeeded, "\(report.lines)")

        let lessons = site.files(under: "content/courses").filter { $0.hasSuffix(".md") && !$0.hasSuffix("_index.md") }
        let manifest = try #require(site.read("private/manifest.json"))
        var paidSentences: [String] = []
        var freeSentences: [String] = []
        for lesson in lessons {
            let markdown = try #require(site.read("content/courses/" + lesson))
            let sentences = Self.distinctiveSentences(of: markdown)
            let isPaid = markdown.contains("access: paid") || !markdown.contains("access:")
            if isPaid { paidSentences += sentences } else { freeSentences += sentences }
        }
        #expect(paidSentences.count > 50, "the demo course should have paid lessons to check")
        #expect(manifest.contains("\"access\" : \"paid\""))

        let distFiles = site.files(under: "dist").compactMap { site.read("dist/" + $0) }
        let everything = distFiles.joined(separator: "\n")
        for sentence in paidSentences {
            #expect(!everything.contains(sentence), "paid text leaked into dist/: \(sentence)")
        }
        // The check can see text: free lesson bodies are found under dist/.
        #expect(freeSentences.contains { everything.contains($0) })
        // …and the paid text is in the private output (most sentences verbatim; some differ only
        // by Markdown such as footnote marks).
        let privateText = site.files(under: "private").compactMap { site.read("private/" + $0) }.joined()
        #expect(paidSentences.filter { privateText.contains($0) }.count * 2 > paidSentences.count)
    }

    @Test func teaserReplacesThePaidLessonInDist() throws {
        let site = try TestSite(TestSite.minimal)
        defer { site.remove() }
        #expect(site.build().succeeded)
        let teaser = try #require(site.read("dist/courses/course/basics/two/index.html"))
        #expect(teaser.contains("Two"))
        #expect(!teaser.contains("Secret body of lesson two"))
        let full = try #require(site.read("private/courses/course/basics/two/index.html"))
        #expect(full.contains("Secret body of lesson two"))
        #expect(site.read("dist/courses/course/basics/one/index.html")?.contains("Text one.") == true)
    }
}
