import Foundation
import SiteBuild

/// What a publishing remote's `pre-receive` hook does with a push: build each pushed commit from
/// a clean export; for the publishing branch, refuse the push on any build error (the errors,
/// with file and line, go back to the author's `git push`) or make the new release live
/// atomically; for other branches, build a preview; for a deleted branch, drop its preview.
public struct PushReceiver: Sendable {
    public struct Update: Sendable, Equatable {
        public let old: String
        public let new: String
        public let ref: String
    }

    public let store: ReleaseStore
    public let branch: String
    public let keep: Int
    /// Runs before a release goes live (database migrations); a throw refuses the push.
    public let beforeSwitch: @Sendable () async throws -> Void
    /// Where messages for the author go (git shows a hook's output as `remote: …`).
    public let say: @Sendable (String) -> Void

    public init(store: ReleaseStore, branch: String = "main", keep: Int = 10,
                beforeSwitch: @escaping @Sendable () async throws -> Void = {},
                say: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.branch = branch
        self.keep = keep
        self.beforeSwitch = beforeSwitch
        self.say = say
    }

    static let zero = String(repeating: "0", count: 40)

    /// The `old new ref` lines git writes to a pre-receive hook.
    public static func updates(from input: String) -> [Update] {
        input.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ").map(String.init)
            return parts.count == 3 ? Update(old: parts[0], new: parts[1], ref: parts[2]) : nil
        }
    }

    /// Handles every update; false refuses the whole push.
    public func receive(_ updates: [Update], environment: [String: String] = ProcessInfo.processInfo.environment) async -> Bool {
        for update in updates where update.ref.hasPrefix("refs/heads/") {
            let name = String(update.ref.dropFirst("refs/heads/".count))
            do {
                if update.new == Self.zero {
                    if name == branch {
                        say("refusing to delete the publishing branch `\(branch)`")
                        return false
                    }
                    try? FileManager.default.removeItem(atPath: previewFolder(name))
                    say("preview of `\(name)` removed")
                } else if name == branch {
                    guard try await publish(update.new, environment: environment) else { return false }
                } else {
                    guard try preview(update.new, branch: name, environment: environment) else { return false }
                }
            } catch {
                say("error: \(error)")
                return false
            }
        }
        return true
    }

    func previewFolder(_ branch: String) -> String {
        store.root + "/previews/" + branch.replacingOccurrences(of: "/", with: "-")
    }

    /// Builds `commit` into a new release and switches to it; false (with the reasons said) when
    /// the build fails, leaving the live site untouched.
    func publish(_ commit: String, environment: [String: String]) async throws -> Bool {
        let (report, seconds, staging) = try build(commit, into: store.releasesFolder + "/.staging-" + commit, environment: environment)
        guard report.succeeded else {
            try? FileManager.default.removeItem(atPath: staging)
            say("push refused: the site does not build (\(report.errors.count) error\(report.errors.count == 1 ? "" : "s")); the live site is unchanged")
            return false
        }
        let (author, message) = try Self.describe(commit, environment: environment)
        let final = store.folder(of: commit)
        try? FileManager.default.removeItem(atPath: final)
        try FileManager.default.moveItem(atPath: staging, toPath: final)
        try store.record(ReleaseStore.Release(commit: commit, branch: branch, author: author, message: message,
                                              time: Date(), pages: report.pages, buildSeconds: seconds))
        do {
            try await beforeSwitch()
        } catch {
            say("push refused: migrations failed before the switch: \(error); the live site is unchanged")
            return false
        }
        try store.activate(commit)
        store.prune(keep: keep)
        say("published \(commit.prefix(12)): \(report.pages) pages in \(String(format: "%.2f", seconds)) s")
        return true
    }

    /// Builds a branch into `previews/<branch>/`, marked `noindex`.
    func preview(_ commit: String, branch name: String, environment: [String: String]) throws -> Bool {
        let folder = previewFolder(name)
        let (report, seconds, staging) = try build(commit, into: folder + ".staging", environment: environment)
        guard report.succeeded else {
            try? FileManager.default.removeItem(atPath: staging)
            say("push refused: the preview of `\(name)` does not build")
            return false
        }
        // Search engines must not index a preview.
        try "User-agent: *\nDisallow: /\n".write(toFile: staging + "/dist/robots.txt", atomically: true, encoding: .utf8)
        let headers = (try? String(contentsOfFile: staging + "/dist/_headers", encoding: .utf8)) ?? ""
        try (headers + "\n/*\n  X-Robots-Tag: noindex\n").write(toFile: staging + "/dist/_headers", atomically: true, encoding: .utf8)
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.moveItem(atPath: staging, toPath: folder)
        say("preview of `\(name)` at \(folder)/dist: \(report.pages) pages in \(String(format: "%.2f", seconds)) s")
        return true
    }

    /// Exports `commit` (from the pushed objects) into a temporary folder and builds it.
    func build(_ commit: String, into staging: String, environment: [String: String]) throws -> (SiteBuilder.Report, Double, String) {
        let source = NSTemporaryDirectory() + "lectern-push-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: source) }
        try Self.git(["archive", "--format=tar", "-o", source + "/.export.tar", commit], environment: environment)
        try Self.run("/bin/tar", ["-xf", source + "/.export.tar", "-C", source], environment: environment)
        try? FileManager.default.removeItem(atPath: staging)
        let options = BuildOptions(siteDirectory: source, outputDirectory: staging + "/dist",
                                   privateDirectory: staging + "/private", incremental: false)
        let started = Date()
        let report = SiteBuilder(options: options).run(BuildPipeline.build)
        for diagnostic in report.diagnostics { say(diagnostic.description) }
        return (report, Date().timeIntervalSince(started), staging)
    }

    static func describe(_ commit: String, environment: [String: String]) throws -> (String, String) {
        let output = try git(["log", "-1", "--format=%an%x00%s", commit], environment: environment)
        let parts = output.split(separator: "\0", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
    }

    @discardableResult
    public static func git(_ arguments: [String], environment: [String: String]) throws -> String {
        try run("/usr/bin/git", arguments, environment: environment)
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problem = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ReleaseStore.Failure(description: "\((executable as NSString).lastPathComponent) \(arguments.first ?? "") failed: "
                + String(decoding: problem, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return String(decoding: data, as: UTF8.self)
    }
}
