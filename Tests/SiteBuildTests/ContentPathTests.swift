import Testing

@testable import SiteBuild

@Suite struct ContentPathTests {
    @Test func numericPrefixesNeverReachTheURL() {
        let path = ContentPath("courses/ai-marketing/02-prompts/01-writing-briefs.md")
        #expect(path.url == "/courses/ai-marketing/prompts/writing-briefs/")
        #expect(path.kind == .lesson)
        #expect(path.orderPrefix == 1)
        #expect(path.derivedID == "ai-marketing/prompts/writing-briefs")
    }

    @Test func indexFilesNameTheirFolder() {
        #expect(ContentPath("_index.md").url == "/")
        #expect(ContentPath("_index.md").kind == .home)
        #expect(ContentPath("courses/_index.md").kind == .catalogue)
        #expect(ContentPath("courses/x/_index.md").kind == .course)
        #expect(ContentPath("courses/x/03-m/_index.md").url == "/courses/x/m/")
        #expect(ContentPath("courses/x/03-m/_index.md").orderPrefix == 3)
        #expect(ContentPath("about.md").url == "/about/")
        #expect(ContentPath("updates/launch.md").kind == .post)
    }

    @Test func assetsKeepTheirFileName() {
        #expect(ContentPath("courses/x/02-prompts/01-figure.png").url == "/courses/x/prompts/01-figure.png")
    }

    @Test func relativeReferencesResolveAgainstTheFileFolder() {
        let path = ContentPath("courses/x/01-a/02-b.md")
        #expect(path.resolve("../02-prompts/01-briefs.md") == "courses/x/02-prompts/01-briefs.md")
        #expect(path.resolve("./img/a.png") == "courses/x/01-a/img/a.png")
        #expect(path.resolve("../../../../../etc/passwd") == nil)
    }

    @Test func prefixOnlyNamesAreKept() {
        #expect(ContentPath.stripOrderPrefix("2024") == "2024")
        #expect(ContentPath.stripOrderPrefix("10-") == "10-")
        #expect(ContentPath.stripOrderPrefix("10_intro") == "intro")
    }
}
