import Foundation
import Testing

@testable import SiteBuild

/// The site in this repository is the product's first customer: it must build cleanly.
@Suite struct DemoSiteTests {
    @Test func demoSiteBuildsWithZeroWarnings() throws {
        let site = try TestSite.demo()
        defer { site.remove() }
        let report = site.build(incremental: false)
        #expect(report.succeeded)
        #expect(report.diagnostics.isEmpty, "\(report.lines.joined(separator: "\n"))")
        #expect(report.courses >= 1)
        #expect(report.lessons >= 16)
        let modules = site.files(under: "content/courses/ai-marketing").filter { $0.hasSuffix("/_index.md") }
        #expect(modules.count >= 4)
        for required in ["index.html", "pricing/index.html", "about/index.html", "courses/index.html", "404.html",
            "sitemap.xml", "robots.txt", "feed.xml", "search-index.json", "_headers"]
        {
            #expect(site.read("dist/" + required) != nil, "missing dist/\(required)")
        }
    }

    @Test func scaffoldFromLecternNewBuilds() throws {
        let directory = NSTemporaryDirectory() + "lectern-new-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try SiteScaffold(title: "Fresh").create(at: directory)
        let report = SiteBuilder(options: BuildOptions(siteDirectory: directory)).run()
        #expect(report.succeeded, "\(report.lines)")
        #expect(report.diagnostics.isEmpty, "\(report.lines)")
        #expect(throws: SiteScaffold.Failure.self) { try SiteScaffold(title: "Again").create(at: directory) }
    }
}
