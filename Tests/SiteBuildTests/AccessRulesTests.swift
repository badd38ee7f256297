import Foundation
import SiteModel
import Testing

@testable import SiteBuild

/// Prerequisites (`requires:`) and drip (`available_after_days:`, `available_from:`) are read and
/// checked by the build and handed to the functions in the private manifest.
@Suite struct AccessRulesTests {
    static func site(two: String, one: String = "---\ntitle: One\naccess: free\n---\nText.\n") throws -> TestSite {
        var files = TestSite.minimal
        files["content/courses/course/01-basics/01-one.md"] = one
        files["content/courses/course/01-basics/02-two.md"] = two
        return try TestSite(files)
    }

    @Test func rulesReachTheManifest() throws {
        let one = "---\ntitle: One\naccess: free\n---\nText.\n\n```quiz\nid: check\nquestions:\n  - type: true-false\n    prompt: X\n    answer: true\n```\n"
        let site = try Self.site(two: """
            ---
            title: Two
            requires: [basics/one, course/basics/one#check]
            available_after_days: 7
            available_from: 2027-01-15
            ---
            Body.
            """, one: one)
        defer { site.remove() }
        let report = site.build()
        #expect(report.succeeded, "\(report.lines)")
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(try #require(site.read("private/manifest.json")).utf8))
        let two = try #require(manifest.lessons.first { $0.lesson.id == "course/basics/two" }?.lesson)
        // A short id is completed with the lesson's course.
        #expect(two.requires == ["course/basics/one", "course/basics/one#check"])
        #expect(two.availableAfterDays == 7)
        #expect(two.availableFrom == "2027-01-15")
        let one1 = try #require(manifest.lessons.first { $0.lesson.id == "course/basics/one" }?.lesson)
        #expect(one1.requires == nil && one1.availableAfterDays == nil)
    }

    @Test func unknownPrerequisitesAreErrorsWithTheLine() throws {
        let site = try Self.site(two: "---\ntitle: Two\nrequires: [basics/onw]\n---\nBody.\n")
        defer { site.remove() }
        let lines = site.build().lines
        #expect(lines.contains(
            "content/courses/course/01-basics/02-two.md:3: error: `requires` names `basics/onw`, which is not a lesson id (did you mean `basics/one`?)"),
            "\(lines)")
        let quiz = try Self.site(two: "---\ntitle: Two\nrequires: [basics/one#final]\n---\nBody.\n")
        defer { quiz.remove() }
        #expect(quiz.build().lines.contains(
            "content/courses/course/01-basics/02-two.md:3: error: `requires` names quiz `final` of `course/basics/one`, which has no quiz with that id"))
    }

    @Test func aCycleCouldNeverOpen() throws {
        let site = try Self.site(two: "---\ntitle: Two\nrequires: [basics/one]\n---\nBody.\n",
                                 one: "---\ntitle: One\nrequires: [basics/two]\n---\nText.\n")
        defer { site.remove() }
        let lines = site.build().lines
        #expect(lines.contains { $0.contains("`requires` makes a cycle: `course/basics/one` ends up requiring itself") })
    }

    @Test func dripFieldsAreChecked() throws {
        let site = try Self.site(two: "---\ntitle: Two\navailable_after_days: -3\navailable_from: next week\n---\nBody.\n")
        defer { site.remove() }
        let lines = site.build().lines
        #expect(lines.contains("content/courses/course/01-basics/02-two.md:3: error: `available_after_days` must be 0 or more (days after enrolment)"))
        #expect(lines.contains("content/courses/course/01-basics/02-two.md:4: error: field `available_from` is `next week`; write a date as YYYY-MM-DD"))
    }
}
