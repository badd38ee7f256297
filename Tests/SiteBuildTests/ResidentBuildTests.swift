import Foundation
import Testing

@testable import SiteBuild

/// A resident build (`build --watch`) patches its last build after a change, and its output is
/// always byte for byte what a full `lectern build` of the same tree writes.
@Suite struct ResidentBuildTests {
    static let lesson = "content/courses/ai-marketing/03-brand-voice/01-defining-your-voice.md"
    static let lessonPage = "courses/ai-marketing/brand-voice/defining-your-voice/index.html"

    /// The demo site (courses, gated lessons, quizzes, templates, posts), built once resident.
    private func residentDemo() throws -> (TestSite, ResidentBuild) {
        let site = try TestSite.demo()
        let resident = ResidentBuild(options: site.options())
        let first = resident.build()
        #expect(first.succeeded, "\(first.lines)")
        return (site, resident)
    }

    /// Builds the tree from scratch into other folders and compares every file of both outputs.
    private func expectSameAsFullBuild(_ site: TestSite, _ note: String) {
        var options = BuildOptions(siteDirectory: site.directory, outputDirectory: site.directory + "/fresh-dist",
            privateDirectory: site.directory + "/fresh-private", cacheDirectory: site.directory + "/fresh-cache",
            incremental: false)
        options.buildDate = site.options().buildDate
        let fresh = SiteBuilder(options: options).run()
        #expect(fresh.succeeded, "\(fresh.lines)")
        for (resident, full) in [("dist", "fresh-dist"), ("private", "fresh-private")] {
            let files = site.files(under: resident)
            #expect(files == site.files(under: full), "\(note): the files of \(resident)/ differ from a full build's")
            #expect(!files.isEmpty)
            for file in files {
                let mine = FileManager.default.contents(atPath: site.directory + "/\(resident)/" + file)
                let theirs = FileManager.default.contents(atPath: site.directory + "/\(full)/" + file)
                let firstDifference = zip(mine ?? Data(), theirs ?? Data()).enumerated().first { $1.0 != $1.1 }?.offset
                #expect(mine == theirs, "\(note): \(resident)/\(file) differs from a full build's (from byte \(firstDifference ?? -1))")
            }
        }
    }

    @Test func bodyEditIsPatchedAndMatchesAFullBuild() throws {
        let (site, resident) = try residentDemo()
        defer { site.remove() }
        let text = try #require(site.read(Self.lesson))
        try site.write(Self.lesson, text.replacingOccurrences(of: "Those words are not wrong", with: "Those words are not false"))
        let report = resident.rebuild(changed: [Self.lesson])
        #expect(report.succeeded, "\(report.lines)")
        // Patched: the lesson's teaser and its private page, nothing else.
        #expect(resident.lastMethod == .patch)
        #expect(resident.lastRenderedPages == 2)
        #expect(site.read("private/" + Self.lessonPage)?.contains("not false") == true)
        expectSameAsFullBuild(site, "after a body edit")

        // A new heading, and enough words for a longer reading time: the page's table of
        // contents and reading time and the search index change with it, no other page.
        let words = String(repeating: "More words to read. ", count: 150)
        try site.write(Self.lesson, (site.read(Self.lesson) ?? "") + "\n## A heading added last\n\n\(words)\n")
        #expect(resident.rebuild(changed: [Self.lesson]).succeeded)
        #expect(resident.lastMethod == .patch)
        expectSameAsFullBuild(site, "after a heading was added")
    }

    @Test func publicPageAndPostEditsUpdateSearchIndexAndFeed() throws {
        let (site, resident) = try residentDemo()
        defer { site.remove() }
        let post = "content/updates/module-5-is-live.md"
        try site.write(post, (site.read(post) ?? "") + "\nOne more sentence for the feed.\n")
        // The excerpt (what the search index shows of a page) is the start of its body.
        let about = try #require(site.read("content/about.md"))
        let bodyStart = try #require(about.range(of: "\n---\n", range: about.index(after: about.startIndex)..<about.endIndex))
        try site.write("content/about.md", about.replacingCharacters(in: bodyStart, with: "\n---\nSearchable new words.\n\n"))
        #expect(resident.rebuild(changed: [post, "content/about.md"]).succeeded)
        #expect(resident.lastMethod == .patch)
        #expect(site.read("dist/feed.xml")?.contains("One more sentence for the feed.") == true)
        #expect(site.read("dist/search-index.json")?.contains("Searchable new words.") == true)
        expectSameAsFullBuild(site, "after a post and a page changed")
    }

    @Test func titleRenameMatchesAFullBuild() throws {
        let (site, resident) = try residentDemo()
        defer { site.remove() }
        let text = try #require(site.read(Self.lesson))
        try site.write(Self.lesson, text.replacingOccurrences(of: "title: Defining Your Voice", with: "title: Naming Your Voice"))
        let report = resident.rebuild(changed: [Self.lesson])
        #expect(report.succeeded, "\(report.lines)")
        // The course's navigation shows the title: all its pages are rendered, not the pipeline.
        #expect(resident.lastMethod == .patch)
        #expect(resident.lastRenderedPages > 20)
        #expect(site.read("dist/courses/ai-marketing/index.html")?.contains("Naming Your Voice") == true)
        expectSameAsFullBuild(site, "after a title change")

        // A module's title and description, and a lesson's title with a body edit after it.
        let module = "content/courses/ai-marketing/03-brand-voice/_index.md"
        let moduleText = try #require(site.read(module))
        try site.write(module, moduleText.replacingOccurrences(of: "title: ", with: "title: Renamed ")
            .replacingOccurrences(of: "description: ", with: "description: Newly described. "))
        #expect(resident.rebuild(changed: [module]).succeeded)
        #expect(resident.lastMethod == .patch)
        expectSameAsFullBuild(site, "after a module's title change")
        try site.write(Self.lesson, (site.read(Self.lesson) ?? "") + "\nA body edit after the rename.\n")
        #expect(resident.rebuild(changed: [Self.lesson]).succeeded)
        #expect(resident.lastRenderedPages == 2)
        expectSameAsFullBuild(site, "after a body edit that followed title changes")

        // A course's title orders the catalogue: the pipeline.
        let course = "content/courses/ai-marketing/_index.md"
        let courseText = try #require(site.read(course))
        try site.write(course, courseText.replacingOccurrences(of: "title: \"", with: "title: \"The "))
        #expect(resident.rebuild(changed: [course]).succeeded)
        #expect(resident.lastMethod == .pipeline)
        expectSameAsFullBuild(site, "after a course's title change")
    }

    @Test func addedAndDeletedLessonsMatchAFullBuild() throws {
        let (site, resident) = try residentDemo()
        defer { site.remove() }
        let added = "content/courses/ai-marketing/03-brand-voice/05-voice-drift.md"
        try site.write(added, "---\ntitle: Voice Drift\naccess: free\nduration: 4\n---\n## Drift\n\nVoices drift.\n")
        #expect(resident.rebuild(changed: [added]).succeeded)
        #expect(site.read("dist/courses/ai-marketing/brand-voice/voice-drift/index.html")?.contains("Voices drift.") == true)
        expectSameAsFullBuild(site, "after a lesson was added")

        // A patch between the two starts from the state the addition left.
        try site.write(added, "---\ntitle: Voice Drift\naccess: free\nduration: 4\n---\n## Drift\n\nVoices drift slowly.\n")
        #expect(resident.rebuild(changed: [added]).succeeded)
        #expect(resident.lastMethod == .patch)
        expectSameAsFullBuild(site, "after a patch that followed an addition")

        try FileManager.default.removeItem(atPath: site.directory + "/" + added)
        #expect(resident.rebuild(changed: [added]).succeeded)
        #expect(site.read("dist/courses/ai-marketing/brand-voice/voice-drift/index.html") == nil)
        expectSameAsFullBuild(site, "after a lesson was deleted")
    }

    @Test func failedEditKeepsTheOutputAndTheNextFixRecovers() throws {
        let (site, resident) = try residentDemo()
        defer { site.remove() }
        let before = site.read("private/" + Self.lessonPage)
        let text = try #require(site.read(Self.lesson))
        try site.write(Self.lesson, text + "\nSee [nowhere](missing-file.md).\n")
        let failed = resident.rebuild(changed: [Self.lesson])
        #expect(!failed.succeeded)
        #expect(failed.errors.contains { $0.file == Self.lesson && $0.message.contains("missing-file.md") })
        #expect(site.read("private/" + Self.lessonPage) == before)

        // The fix is a change to another file; the failed one is looked at again with it.
        try site.write(Self.lesson, text + "\nSee [the next lesson](02-building-a-voice-profile.md).\n")
        try site.write("content/about.md", (site.read("content/about.md") ?? "") + "\nMore.\n")
        #expect(resident.rebuild(changed: ["content/about.md"]).succeeded)
        #expect(site.read("private/" + Self.lessonPage)?.contains("the next lesson") == true)
        expectSameAsFullBuild(site, "after a failed edit was fixed")
    }

    @Test func afterAFailedFullRebuildTheNextChangeRunsItAgain() throws {
        let (site, resident) = try residentDemo()
        defer { site.remove() }
        // Deleting a lesson another one links to fails (a broken link)…
        let deleted = "content/courses/ai-marketing/03-brand-voice/04-audience-personas.md"
        try FileManager.default.removeItem(atPath: site.directory + "/" + deleted)
        #expect(!resident.rebuild(changed: [deleted]).succeeded)
        // …and removing the links is an edit that alone would be a patch: the deletion must
        // still reach the output.
        let linking = site.files(under: "content").filter { $0.hasSuffix(".md") }
            .filter { site.read("content/" + $0)?.contains("04-audience-personas.md") == true }
        #expect(!linking.isEmpty)
        for file in linking {
            let text = try #require(site.read("content/" + file))
            try site.write("content/" + file, text.replacingOccurrences(
                of: #"\[([^\]]*)\]\([^)]*04-audience-personas\.md[^)]*\)"#, with: "$1", options: .regularExpression))
        }
        let report = resident.rebuild(changed: Set(linking.map { "content/" + $0 }))
        #expect(report.succeeded, "\(report.lines)")
        #expect(site.read("dist/courses/ai-marketing/brand-voice/audience-personas/index.html") == nil)
        expectSameAsFullBuild(site, "after a failed deletion was fixed")
    }

    @Test func savedCacheLetsALaterBuildRenderNothing() throws {
        let (site, resident) = try residentDemo()
        defer { site.remove() }
        try site.write(Self.lesson, (site.read(Self.lesson) ?? "") + "\nA patched paragraph.\n")
        #expect(resident.rebuild(changed: [Self.lesson]).succeeded)
        try resident.saveCache()
        let later = site.build()
        #expect(later.succeeded)
        #expect(later.reusedPages == later.pages)
    }
}
