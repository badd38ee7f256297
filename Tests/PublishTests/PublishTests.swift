import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

@testable import Publish

/// Publishing by `git push`, end to end with real git and the real `lectern` binary as the
/// remote's hook.
@Suite struct PublishTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static var lectern: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path + "/lectern"
        return FileManager.default.isExecutableFile(atPath: beside) ? beside : repositoryRoot + "/.build/debug/lectern"
    }

    /// A publishing remote, its deploy folder and a working clone holding a copy of the demo site.
    struct Setup {
        let root: String
        var repository: String { root + "/repo.git" }
        var deploy: String { root + "/deploy" }
        var work: String { root + "/work" }
        var store: ReleaseStore { ReleaseStore(root: deploy) }

        init(keep: Int = 10) throws {
            root = NSTemporaryDirectory() + "lectern-publish-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let made = try run(PublishTests.lectern, ["remote", "init", repository, "--site-dir", deploy, "--keep", String(keep)], in: root)
            #expect(made.status == 0, "\(made.errors)")
            _ = try run("/usr/bin/git", ["init", "-q", "-b", "main", work], in: root)
            for folder in ["content", "static"] {
                try FileManager.default.copyItem(atPath: PublishTests.repositoryRoot + "/" + folder, toPath: work + "/" + folder)
            }
            _ = try run("/usr/bin/git", ["remote", "add", "live", repository], in: work)
        }

        func commit(_ message: String, change: (() throws -> Void)? = nil) throws {
            try change?()
            _ = try run("/usr/bin/git", ["add", "-A"], in: work)
            _ = try run("/usr/bin/git", ["-c", "user.name=Ann Author", "-c", "user.email=ann@example.com", "commit", "-q", "-m", message], in: work)
        }

        func push(_ refspec: String = "HEAD:main") throws -> (status: Int32, output: String, errors: String) {
            try run("/usr/bin/git", ["push", "live", refspec], in: work)
        }

        func head() throws -> String {
            try run("/usr/bin/git", ["rev-parse", "HEAD"], in: work).output.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func live(_ path: String) -> String? {
            try? String(contentsOfFile: deploy + "/current/dist/" + path, encoding: .utf8)
        }

        func append(_ file: String, _ text: String) throws {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: work + "/" + file))
            handle.seekToEndOfFile()
            handle.write(Data(text.utf8))
            handle.closeFile()
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], in directory: String) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment.removeValue(forKey: "DATABASE_URL")
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    @Test func aGoodPushGoesLiveAndABrokenOneIsRefusedWithFileAndLine() throws {
        let setup = try Setup()
        defer { setup.remove() }
        try setup.commit("First publish")
        let first = try setup.push()
        #expect(first.status == 0, "\(first.errors)")
        let commit = try setup.head()
        #expect(setup.store.current() == commit)
        #expect(setup.live("about/index.html")?.contains("<html") == true)
        let release = try #require(setup.store.releases().first)
        #expect(release.author == "Ann Author" && release.message == "First publish" && release.pages > 40)
        // The release's migrations ran before the switch.
        #expect(FileManager.default.fileExists(atPath: setup.deploy + "/data/lectern.sqlite"))

        let before = try FileManager.default.contentsOfDirectory(atPath: setup.deploy + "/current/dist").sorted()
        let aboutBefore = setup.live("about/index.html")
        try setup.commit("Broken link") { try setup.append("content/about.md", "\nSee [gone](missing-page.md).\n") }
        let refused = try setup.push()
        #expect(refused.status != 0)
        #expect(refused.errors.contains("remote: content/about.md:"))
        #expect(refused.errors.contains("missing-page.md"))
        #expect(refused.errors.contains("the live site is unchanged"))
        #expect(setup.store.current() == commit)
        #expect(setup.live("about/index.html") == aboutBefore)
        #expect(try FileManager.default.contentsOfDirectory(atPath: setup.deploy + "/current/dist").sorted() == before)
        #expect(setup.store.releases().count == 1)
    }

    @Test func rollbackAndHistory() throws {
        let setup = try Setup(keep: 2)
        defer { setup.remove() }
        var commits: [String] = []
        for number in 1...3 {
            try setup.commit("Release \(number)") { try setup.append("content/about.md", "\nRelease marker \(number).\n") }
            #expect(try setup.push().status == 0)
            commits.append(try setup.head())
        }
        #expect(setup.live("about/index.html")?.contains("Release marker 3") == true)
        // Keep 2: the oldest is gone.
        #expect(setup.store.releases().map(\.commit) == [commits[2], commits[1]])

        let listed = try Self.run(Self.lectern, ["releases", "list", "--site-dir", setup.deploy], in: setup.root)
        #expect(listed.output.hasPrefix("* \(commits[2].prefix(12))"))
        #expect(listed.output.contains("Release 2"))

        let back = try Self.run(Self.lectern, ["releases", "rollback", "--site-dir", setup.deploy], in: setup.root)
        #expect(back.status == 0, "\(back.errors)")
        #expect(setup.store.current() == commits[1])
        #expect(setup.live("about/index.html")?.contains("Release marker 3") == false)
        #expect(setup.live("about/index.html")?.contains("Release marker 2") == true)

        let forward = try Self.run(Self.lectern, ["releases", "rollback", String(commits[2].prefix(8)), "--site-dir", setup.deploy], in: setup.root)
        #expect(forward.status == 0)
        #expect(setup.store.current() == commits[2])
        let unknown = try Self.run(Self.lectern, ["releases", "rollback", "deadbeef", "--site-dir", setup.deploy], in: setup.root)
        #expect(unknown.status != 0 && unknown.errors.contains("no release matches deadbeef"))
    }

    @Test func otherBranchesBecomeNoindexPreviewsAndDeletingOneRemovesIt() throws {
        let setup = try Setup()
        defer { setup.remove() }
        try setup.commit("Live")
        #expect(try setup.push().status == 0)
        let live = setup.store.current()
        _ = try Self.run("/usr/bin/git", ["checkout", "-q", "-b", "feature/new-page"], in: setup.work)
        try setup.commit("Draft") { try setup.append("content/about.md", "\nPreview only.\n") }
        let pushed = try setup.push("HEAD:refs/heads/feature/new-page")
        #expect(pushed.status == 0, "\(pushed.errors)")
        let preview = setup.deploy + "/previews/feature-new-page/dist"
        #expect((try? String(contentsOfFile: preview + "/about/index.html", encoding: .utf8))?.contains("Preview only.") == true)
        #expect((try? String(contentsOfFile: preview + "/robots.txt", encoding: .utf8)) == "User-agent: *\nDisallow: /\n")
        #expect((try? String(contentsOfFile: preview + "/_headers", encoding: .utf8))?.contains("X-Robots-Tag: noindex") == true)
        #expect(setup.store.current() == live)
        #expect(setup.live("about/index.html")?.contains("Preview only.") == false)

        let deleted = try setup.push(":refs/heads/feature/new-page")
        #expect(deleted.status == 0)
        #expect(!FileManager.default.fileExists(atPath: setup.deploy + "/previews/feature-new-page"))
    }

    @Test func concurrentPushesAreSerialised() async throws {
        let setup = try Setup()
        defer { setup.remove() }
        try setup.commit("Base")
        #expect(try setup.push().status == 0)
        // Two clones push different branches at the same moment; both builds complete, one at a time.
        let other = setup.root + "/other"
        _ = try Self.run("/usr/bin/git", ["clone", "-q", setup.repository, other], in: setup.root)
        try setup.commit("Mine") { try setup.append("content/about.md", "\nMine.\n") }
        try "\nTheirs.\n".write(toFile: other + "/content/pricing-note.md", atomically: true, encoding: .utf8)
        _ = try Self.run("/usr/bin/git", ["add", "-A"], in: other)
        _ = try Self.run("/usr/bin/git", ["-c", "user.name=B", "-c", "user.email=b@example.com", "commit", "-q", "-m", "Theirs"], in: other)
        async let first = Task.detached { try setup.push() }.value
        async let second = Task.detached { try Self.run("/usr/bin/git", ["push", "origin", "HEAD:refs/heads/theirs"], in: other) }.value
        let (a, b) = try await (first, second)
        #expect(a.status == 0, "\(a.errors)")
        #expect(b.status == 0, "\(b.errors)")
        #expect(setup.live("about/index.html")?.contains("Mine.") == true)
        #expect(FileManager.default.fileExists(atPath: setup.deploy + "/previews/theirs/dist/pricing-note/index.html"))
        #expect(!((try? FileManager.default.contentsOfDirectory(atPath: setup.deploy + "/releases")) ?? []).contains { $0.hasPrefix(".staging") })
    }
}

/// `lectern serve --release-dir` follows `current`: a release switch while pages are being
/// fetched drops no request and never mixes two releases in one response.
@Suite struct ReleaseSwitchTests {
    @Test func switchingUnderLoadDropsNothingAndMixesNothing() async throws {
        let setup = try PublishTests.Setup()
        defer { setup.remove() }
        try setup.commit("Release A") { try setup.append("content/about.md", "\nMARKER-A\n") }
        #expect(try setup.push().status == 0)

        let server = Process()
        server.executableURL = URL(fileURLWithPath: PublishTests.lectern)
        server.arguments = ["serve", "--release-dir", setup.deploy, "--no-functions", "--port", "0"]
        server.currentDirectoryURL = URL(fileURLWithPath: setup.root)
        let output = Pipe()
        server.standardOutput = output
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        // "Serving … on http://127.0.0.1:PORT — functions: none"
        var banner = ""
        let deadline = Date().addingTimeInterval(20)
        while !banner.contains("functions:"), Date() < deadline {
            banner += String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        }
        let port = try #require(banner.split(separator: ":").compactMap { Int($0.prefix { $0.isNumber }) }.last { $0 > 0 })
        let url = URL(string: "http://127.0.0.1:\(port)/about/")!

        let pushesDone = Flag()
        let fetcher = Task.detached { () -> [String] in
            var outcomes: [String] = []
            let session = URLSession(configuration: .ephemeral)
            // Until the last switch is done and a few more pages have come back (bounded).
            let limit = Date().addingTimeInterval(60)
            var after = 0
            while Date() < limit, after < 25 {
                if pushesDone.value { after += 1 }
                do {
                    let (data, response) = try await session.data(from: url)
                    let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                    let page = String(decoding: data, as: UTF8.self)
                    let markers = ["MARKER-A", "MARKER-B", "MARKER-C"].filter(page.contains)
                    outcomes.append(status == 200 && markers.count == 1 && page.hasSuffix("</html>\n") ? markers[0] : "BAD \(status) \(markers)")
                } catch {
                    outcomes.append("ERROR \(error)")
                }
            }
            return outcomes
        }
        for marker in ["B", "C"] {
            try await Task.sleep(for: .milliseconds(800))
            try setup.commit("Release \(marker)") {
                let about = setup.work + "/content/about.md"
                let text = try String(contentsOfFile: about, encoding: .utf8)
                try text.replacingOccurrences(of: "MARKER-A", with: "MARKER-\(marker)")
                    .replacingOccurrences(of: "MARKER-B", with: "MARKER-\(marker)")
                    .write(toFile: about, atomically: true, encoding: .utf8)
            }
            #expect(try setup.push().status == 0)
        }
        pushesDone.set()
        let outcomes = await fetcher.value
        #expect(outcomes.count > 25)  // pages fetched during the switches, and 25 after the last
        #expect(outcomes.filter { $0.hasPrefix("BAD") || $0.hasPrefix("ERROR") }.isEmpty,
                "\(outcomes.filter { $0.hasPrefix("BAD") || $0.hasPrefix("ERROR") }.prefix(3))")
        #expect(outcomes.contains("MARKER-A") && outcomes.last == "MARKER-C")
    }

    @Test func previewsAnswerOnTheirOwnHostName() throws {
        let setup = try PublishTests.Setup()
        defer { setup.remove() }
        try setup.commit("Live") { try setup.append("content/about.md", "\nLIVE-TEXT\n") }
        #expect(try setup.push().status == 0)
        _ = try PublishTests.run("/usr/bin/git", ["checkout", "-q", "-b", "feature/try"], in: setup.work)
        try setup.commit("Try") { try setup.append("content/about.md", "\nPREVIEW-TEXT\n") }
        #expect(try setup.push("HEAD:refs/heads/feature/try").status == 0)

        let server = Process()
        server.executableURL = URL(fileURLWithPath: PublishTests.lectern)
        server.arguments = ["serve", "--release-dir", setup.deploy, "--no-functions", "--port", "0"]
        let output = Pipe()
        server.standardOutput = output
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        var banner = ""
        let deadline = Date().addingTimeInterval(20)
        while !banner.contains("functions:"), Date() < deadline {
            banner += String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        }
        let port = try #require(banner.split(separator: ":").compactMap { Int($0.prefix { $0.isNumber }) }.last { $0 > 0 })
        func fetch(host: String) throws -> String {
            try PublishTests.run("/usr/bin/curl", ["-s", "-i", "-H", "Host: \(host)", "http://127.0.0.1:\(port)/about/"], in: setup.root).output
        }
        let preview = try fetch(host: "feature-try.preview.example.test")
        #expect(preview.contains("PREVIEW-TEXT"))
        #expect(preview.lowercased().contains("x-robots-tag: noindex"))
        let live = try fetch(host: "example.test")
        #expect(live.contains("LIVE-TEXT") && !live.contains("PREVIEW-TEXT"))
        #expect(!live.lowercased().contains("x-robots-tag"))
        // An unknown preview falls back to the live site rather than a folder outside previews/.
        #expect(try fetch(host: "..%2f.preview.example.test").contains("LIVE-TEXT"))
    }
}

/// A Bool set once by one task and read by another.
final class Flag: @unchecked Sendable {
    // @unchecked: `state` is only touched under `lock`.
    private let lock = NSLock()
    private var state = false
    var value: Bool { lock.lock(); defer { lock.unlock() }; return state }
    func set() { lock.lock(); state = true; lock.unlock() }
}
