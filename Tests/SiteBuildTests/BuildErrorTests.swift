import Foundation
import Testing

@testable import SiteBuild

/// Every error an author can cause, checked for the file, the line and what to do.
@Suite struct BuildErrorTests {
    private func build(changing changes: [String: String]) throws -> (SiteBuilder.Report, TestSite) {
        var files = TestSite.minimal
        for (path, text) in changes { files[path] = text }
        let site = try TestSite(files)
        return (site.build(), site)
    }

    @Test func invalidYAMLNamesTheFileLine() throws {
        let (report, site) = try build(changing: [
            "content/courses/course/01-basics/01-one.md": "---\ntitle: One\ndescription: [unclosed\n---\nBody\n"
        ])
        defer { site.remove() }
        #expect(!report.succeeded)
        let error = try #require(report.errors.first { $0.file.hasSuffix("01-one.md") })
        #expect(error.message.contains("invalid YAML"))
        #expect(error.line == 4 || error.line == 3)
    }

    @Test func unknownFieldWarnsWithTheKnownOnes() throws {
        let (report, site) = try build(changing: [
            "content/courses/course/01-basics/01-one.md": "---\ntitle: One\ndurration: 5\naccess: free\n---\nBody\n"
        ])
        defer { site.remove() }
        #expect(report.succeeded)
        let warning = try #require(report.warnings.first)
        #expect(warning.line == 3)
        #expect(warning.message.contains("unknown front-matter field `durration`"))
        #expect(warning.message.contains("did you mean `duration`?"))
        #expect(warning.message.contains("known fields:"))
    }

    @Test func mistypedFieldIsAnError() throws {
        let (report, site) = try build(changing: [
            "content/courses/course/01-basics/01-one.md": "---\ntitle: One\nduration: ten\naccess: everyone\n---\nBody\n"
        ])
        defer { site.remove() }
        #expect(report.lines.contains {
            $0.hasPrefix("content/courses/course/01-basics/01-one.md:3: error: field `duration` must be a number of minutes")
        })
        #expect(report.lines.contains { $0.contains(":4: error: field `access` is `everyone`; use one of `free`, `preview`, `paid`") })
    }

    @Test func brokenLinksAndImagesNameLineAndTarget() throws {
        let (report, site) = try build(changing: [
            "content/courses/course/01-basics/01-one.md":
                "---\ntitle: One\n---\nIntro\n\nSee [two](02-too.md).\n\n![chart](chart.png)\n"
        ])
        defer { site.remove() }
        #expect(report.lines.contains {
            $0.contains("01-one.md:6: error: link `02-too.md` points to content/courses/course/01-basics/02-too.md, which does not exist")
        })
        #expect(report.lines.contains { $0.contains("01-one.md:8: error: image `chart.png`") })
    }

    @Test func duplicateLessonIDsAndURLsAreErrors() throws {
        let (report, site) = try build(changing: [
            "content/courses/course/01-basics/03-one.md": "---\ntitle: Another one\n---\nBody\n",
            "content/courses/course/01-basics/04-four.md": "---\ntitle: Four\nid: course/basics/two\n---\nBody\n",
        ])
        defer { site.remove() }
        #expect(report.lines.contains { $0.contains("URL /courses/course/basics/one/ is also the URL of") })
        #expect(report.lines.contains { $0.contains("lesson id `course/basics/two` is also used by") })
    }

    @Test func courseWithoutModulesIsAnError() throws {
        let (report, site) = try build(changing: ["content/courses/empty/_index.md": "---\ntitle: Empty\n---\n"])
        defer { site.remove() }
        #expect(report.lines.contains { $0.hasPrefix("content/courses/empty/_index.md: error: course has no modules") })
    }

    @Test func missingLayoutIsAnError() throws {
        let (report, site) = try build(changing: ["content/about.md": "---\ntitle: About\nlayout: fancy\n---\nHi\n"])
        defer { site.remove() }
        #expect(report.lines.contains { $0.hasPrefix("content/about.md:3: error: layout `fancy` does not exist") })
    }

    @Test func allErrorsAreReportedTogether() throws {
        let (report, site) = try build(changing: [
            "content/courses/course/01-basics/01-one.md": "---\ntitle: One\naccess: nope\n---\n[x](missing.md)\n",
            "content/about.md": "---\ntitle: [\n---\n",
        ])
        defer { site.remove() }
        #expect(report.errors.count >= 3)
    }

    @Test func failedBuildLeavesPreviousOutputExactlyAsItWas() throws {
        let site = try TestSite(TestSite.minimal)
        defer { site.remove() }
        #expect(site.build().succeeded)
        let before = site.files(under: "dist").map { ($0, site.read("dist/" + $0)) }
        try site.write("content/courses/course/01-basics/01-one.md", "---\ntitle: [broken\n---\nchanged\n")
        #expect(!site.build().succeeded)
        let after = site.files(under: "dist").map { ($0, site.read("dist/" + $0)) }
        #expect(before.map(\.0) == after.map(\.0))
        #expect(before.map(\.1) == after.map(\.1))
    }

    @Test func offerOfUnknownCourseAndCourseOfUnknownOfferAreErrors() throws {
        let (report, site) = try build(changing: [
            "content/courses/course/_index.md": "---\ntitle: Course\noffer: gold\n---\n",
            "content/site.yaml": "title: T\nofers: []\noffers:\n  - id: pro\n    name: Pro\n    courses: [nope]\n",
        ])
        defer { site.remove() }
        #expect(report.lines.contains { $0.contains("course offer `gold` is not an offer in content/site.yaml; use one of `pro`") })
        #expect(report.lines.contains { $0.contains("offer `pro` grants course `nope`, which does not exist") })
        #expect(report.lines.contains { $0.hasPrefix("content/site.yaml:2: warning: unknown front-matter field `ofers`") })
    }
}
