import Foundation
import Testing

@testable import SiteBuild

/// Builds each fixture site and compares every output file with the recorded one.
/// `RECORD_SNAPSHOTS=1 swift test` records the current output as the new golden files.
@Suite struct GoldenOutputTests {
    static let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"

    @Test(arguments: ["basic"])
    func fixtureMatchesGoldenOutput(_ name: String) throws {
        let site = try TestSite(copying: TestSite.fixtures + "/" + name)
        defer { site.remove() }
        let report = site.build(incremental: false)
        #expect(report.succeeded, "\(report.lines)")
        let golden = TestSite.repositoryRoot + "/Tests/SiteBuildTests/Golden/" + name
        var produced: [String: String] = [:]
        for folder in ["dist", "private"] {
            // Theme assets are copies of layouts/assets (kept in sync by `make theme`); the pages
            // record their fingerprinted names, so only the pages are compared.
            for file in site.files(under: folder) where !file.hasPrefix("assets/") {
                produced[folder + "/" + file] = site.read(folder + "/" + file) ?? ""
            }
        }
        if Self.record {
            try? FileManager.default.removeItem(atPath: golden)
            for (path, text) in produced {
                let url = URL(fileURLWithPath: golden + "/" + path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(to: url, atomically: true, encoding: .utf8)
            }
            return
        }
        let expected = FileSystem.files(under: golden)
        #expect(produced.keys.sorted() == expected, "output files differ from \(golden); RECORD_SNAPSHOTS=1 to re-record")
        for path in expected {
            let want = try String(contentsOfFile: golden + "/" + path, encoding: .utf8)
            #expect(produced[path] == want, "\(path) differs from the golden file; RECORD_SNAPSHOTS=1 to re-record")
        }
    }
}
