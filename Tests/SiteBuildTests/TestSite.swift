import Foundation
import SiteModel
import Testing

@testable import SiteBuild

/// A site in a fresh temporary folder, written from a dictionary of files, and built for real.
struct TestSite {
    let directory: String

    /// The repository root, where the demo site and the default theme live.
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let fixtures = repositoryRoot + "/Tests/SiteBuildTests/Fixtures"

    init(_ files: [String: String]) throws {
        directory = NSTemporaryDirectory() + "lectern-test-" + UUID().uuidString
        for (path, text) in files { try write(path, text) }
    }

    /// A copy of a fixture folder (so builds never write into the repository).
    init(copying source: String) throws {
        directory = NSTemporaryDirectory() + "lectern-test-" + UUID().uuidString
        try FileManager.default.copyItem(atPath: source, toPath: directory)
    }

    /// A copy of the repository's demo site: its content, layouts and static files.
    static func demo() throws -> TestSite {
        let site = try TestSite([:])
        try FileManager.default.createDirectory(atPath: site.directory, withIntermediateDirectories: true)
        for folder in ["content", "layouts", "static"] {
            try FileManager.default.copyItem(atPath: repositoryRoot + "/" + folder, toPath: site.directory + "/" + folder)
        }
        return site
    }

    func write(_ path: String, _ text: String) throws {
        let url = URL(fileURLWithPath: directory + "/" + path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: false, encoding: .utf8)
    }

    func options(incremental: Bool = true) -> BuildOptions {
        var options = BuildOptions(siteDirectory: directory, incremental: incremental)
        options.buildDate = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01
        return options
    }

    @discardableResult
    func build(incremental: Bool = true, _ steps: [BuildStep] = BuildPipeline.build) -> SiteBuilder.Report {
        SiteBuilder(options: options(incremental: incremental)).run(steps)
    }

    func read(_ path: String) -> String? {
        try? String(contentsOfFile: directory + "/" + path, encoding: .utf8)
    }

    /// Every file under a folder of the site, relative to it.
    func files(under folder: String) -> [String] {
        FileSystem.files(under: directory + "/" + folder)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The smallest valid site: config with one offer, a home page and a course of one module.
    static let minimal: [String: String] = [
        "content/site.yaml": """
            title: Test Site
            base_url: https://example.com
            offers:
              - id: pro
                name: Pro
                price: 10
                interval: month
                courses: [course]
            """,
        "content/_index.md": "---\ntitle: Home\n---\nWelcome.\n",
        "content/courses/course/_index.md": "---\ntitle: Course\noffer: pro\n---\nAbout.\n",
        "content/courses/course/01-basics/_index.md": "---\ntitle: Basics\n---\n",
        "content/courses/course/01-basics/01-one.md": "---\ntitle: One\naccess: free\nduration: 5\n---\n## Start\n\nText one.\n",
        "content/courses/course/01-basics/02-two.md": "---\ntitle: Two\n---\n## Paid\n\nSecret body of lesson two.\n",
    ]
}

extension SiteBuilder.Report {
    /// Diagnostics as `file:line: severity: message` lines, for readable expectations.
    var lines: [String] { diagnostics.map(\.description) }
}
