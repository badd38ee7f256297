import Foundation
import Testing

@testable import SiteBuild

/// The watcher learns which sources changed, from inotify or by polling.
@Suite struct SourceMonitorTests {
    @Test(arguments: [false, true]) func reportsTheFilesThatChanged(polling: Bool) throws {
        let site = try TestSite(TestSite.minimal)
        defer { site.remove() }
        let monitor = SourceMonitor(siteDirectory: site.directory, polling: polling)
        #expect(monitor.usesInotify == !polling)
        #expect(monitor.next(timeout: 0.3) == .quiet)

        try site.write("content/courses/course/01-basics/01-one.md", "---\ntitle: One\n---\nChanged.\n")
        #expect(monitor.next(timeout: 5) == .changed(["content/courses/course/01-basics/01-one.md"]))

        // A new folder with a file in it, and a layout: both seen.
        try site.write("content/courses/course/02-more/01-three.md", "---\ntitle: Three\n---\nNew.\n")
        try site.write("layouts/page.mustache", "{{page.title}}")
        var seen = Set<String>()
        while case .changed(let paths?) = monitor.next(timeout: 1) { seen.formUnion(paths) }
        #expect(seen.isSuperset(of: ["content/courses/course/02-more/01-three.md", "layouts/page.mustache"]))
    }
}
