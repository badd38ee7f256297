import Foundation
import Testing

@testable import SiteBuild

/// A rebuild re-renders only what a change touches, and still gets everything right.
@Suite struct IncrementalBuildTests {
    @Test func unchangedSiteRendersNothing() throws {
        let site = try TestSite(TestSite.minimal)
        defer { site.remove() }
        let first = site.build()
        #expect(first.succeeded && first.reusedPages == 0)
        let second = site.build()
        #expect(second.succeeded)
        #expect(second.reusedPages == second.pages)
    }

    @Test func unchangedSourcesKeepTheIndexesAlreadyWritten() throws {
        let site = try TestSite(TestSite.minimal)
        defer { site.remove() }
        #expect(site.build().succeeded)
        let before = ["dist/sitemap.xml", "dist/feed.xml", "dist/search-index.json", "private/manifest.json"].map(site.read)
        let cache = try #require(BuildCache.load(from: site.options().cacheDirectory))
        #expect(Set(cache.indexOutputs).isSuperset(of: ["public:sitemap.xml", "public:search-index.json", "private:manifest.json"]))
        #expect(site.build().succeeded)
        let after = ["dist/sitemap.xml", "dist/feed.xml", "dist/search-index.json", "private/manifest.json"].map(site.read)
        #expect(after == before)
        #expect(after.allSatisfy { $0 != nil })
        let again = try #require(BuildCache.load(from: site.options().cacheDirectory))
        #expect(again.indexKey == cache.indexKey)
        #expect(again.indexOutputs.sorted() == cache.indexOutputs.sorted())
    }

    @Test func bodyChangeRerendersOnlyThatLesson() throws {
        let site = try TestSite(TestSite.minimal)
        defer { site.remove() }
        #expect(site.build().succeeded)
        try site.write("content/courses/course/01-basics/01-one.md",
            "---\ntitle: One\naccess: free\nduration: 5\n---\n## Start\n\nRewritten text.\n")
        let report = site.build()
        #expect(report.succeeded)
        #expect(report.pages - report.reusedPages == 1)
        #expect(site.read("dist/courses/course/basics/one/index.html")?.contains("Rewritten text.") == true)
        #expect(site.read("dist/search-index.json")?.contains("Rewritten text.") == true)
    }

    @Test func titleChangeUpdatesTheWholeCourseNavigation() throws {
        let site = try TestSite(TestSite.minimal)
        defer { site.remove() }
        #expect(site.build().succeeded)
        try site.write("content/courses/course/01-basics/01-one.md",
            "---\ntitle: Renamed Lesson\naccess: free\nduration: 5\n---\n## Start\n\nText one.\n")
        let report = site.build()
        #expect(report.succeeded)
        #expect(site.read("private/courses/course/basics/two/index.html")?.contains("Renamed Lesson") == true)
        #expect(site.read("dist/courses/course/index.html")?.contains("Renamed Lesson") == true)
        #expect(site.read("dist/index.html").map { _ in true } == true)
        // Pages outside the course (the 404 page) were not rendered again.
        #expect(report.reusedPages > 0)
    }

    @Test func removedLessonDisappearsFromOutput() throws {
        var files = TestSite.minimal
        files["content/courses/course/01-basics/03-three.md"] = "---\ntitle: Three\naccess: free\n---\nThird.\n"
        let site = try TestSite(files)
        defer { site.remove() }
        #expect(site.build().succeeded)
        #expect(site.read("dist/courses/course/basics/three/index.html") != nil)
        try FileManager.default.removeItem(atPath: site.directory + "/content/courses/course/01-basics/03-three.md")
        #expect(site.build().succeeded)
        #expect(site.read("dist/courses/course/basics/three/index.html") == nil)
        #expect(site.read("dist/sitemap.xml")?.contains("/three/") == false)
    }

    @Test func incrementalOutputEqualsACleanBuild() throws {
        let site = try TestSite(TestSite.minimal)
        defer { site.remove() }
        #expect(site.build().succeeded)
        try site.write("content/courses/course/01-basics/02-two.md", "---\ntitle: Two v2\nduration: 9\n---\nNew secret.\n")
        #expect(site.build().succeeded)
        let incremental = site.files(under: "dist").map { ($0, site.read("dist/" + $0)) }
        let privateIncremental = site.files(under: "private").map { ($0, site.read("private/" + $0)) }
        #expect(site.build(incremental: false).succeeded)
        let clean = site.files(under: "dist").map { ($0, site.read("dist/" + $0)) }
        #expect(incremental.map(\.0) == clean.map(\.0))
        for ((path, text), (_, cleanText)) in zip(incremental, clean) {
            #expect(text == cleanText, "dist/\(path) differs between the incremental and the clean build")
        }
        #expect(privateIncremental.map(\.1) == site.files(under: "private").map { site.read("private/" + $0) })
    }
}
