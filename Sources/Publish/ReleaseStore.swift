import Foundation

/// The releases of one published site, under a deploy folder:
///
/// ```
/// DIR/releases/<commit>/dist       what the router or nginx serves
/// DIR/releases/<commit>/private    gated lessons and the manifest
/// DIR/releases/<commit>/release.json
/// DIR/current -> releases/<commit> the live one (a symlink, replaced atomically)
/// DIR/previews/<branch>/           previews of other branches
/// ```
///
/// A switch writes a new symlink beside `current` and renames it over the old one: `rename(2)`
/// is atomic, so every request sees the old release or the new one, never a mix.
public struct ReleaseStore: Sendable {
    public struct Release: Codable, Sendable, Equatable {
        public var commit: String
        public var branch: String
        public var author: String
        public var message: String
        public var time: Date
        public var pages: Int
        public var buildSeconds: Double
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let root: String

    public init(root: String) {
        self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    public var releasesFolder: String { root + "/releases" }
    public var currentLink: String { root + "/current" }

    public func folder(of commit: String) -> String { releasesFolder + "/" + commit }

    /// Every release, newest first.
    public func releases() -> [Release] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: releasesFolder)) ?? []
        return names.compactMap { name in
            guard let data = FileManager.default.contents(atPath: folder(of: name) + "/release.json") else { return nil }
            return try? Self.decoder.decode(Release.self, from: data)
        }.sorted { $0.time > $1.time }
    }

    /// The commit `current` points at, if any.
    public func current() -> String? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: currentLink) else { return nil }
        return (target as NSString).lastPathComponent
    }

    public func record(_ release: Release) throws {
        let data = try Self.encoder.encode(release)
        try data.write(to: URL(fileURLWithPath: folder(of: release.commit) + "/release.json"), options: .atomic)
    }

    /// Makes `commit` live: a new symlink renamed over `current`.
    public func activate(_ commit: String) throws {
        guard FileManager.default.fileExists(atPath: folder(of: commit) + "/release.json") else {
            throw Failure(description: "no release \(commit) under \(releasesFolder)")
        }
        let temporary = root + "/.current-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        unlink(temporary)
        guard symlink("releases/" + commit, temporary) == 0 else {
            throw Failure(description: "cannot create a link in \(root): \(String(cString: strerror(errno)))")
        }
        guard rename(temporary, currentLink) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Failure(description: "cannot switch \(currentLink): \(reason)")
        }
    }

    /// Switches back to `commit`, or to the release before the current one.
    @discardableResult
    public func rollback(to commit: String? = nil) throws -> Release {
        let all = releases()
        let target: Release?
        if let commit {
            target = all.first { $0.commit == commit || $0.commit.hasPrefix(commit) }
        } else if let current = current(), let index = all.firstIndex(where: { $0.commit == current }) {
            target = all.dropFirst(index + 1).first
        } else {
            target = all.first
        }
        guard let target else {
            throw Failure(description: commit.map { "no release matches \($0); see `lectern releases list`" }
                ?? "there is no earlier release to go back to")
        }
        try activate(target.commit)
        return target
    }

    /// Removes all but the newest `keep` releases, never the live one.
    public func prune(keep: Int) {
        let live = current()
        for release in releases().dropFirst(max(keep, 1)) where release.commit != live {
            try? FileManager.default.removeItem(atPath: folder(of: release.commit))
        }
    }

    /// Runs `body` holding an exclusive lock on the deploy folder, so pushes apply one at a time.
    public func withLock<R>(_ body: () throws -> R) throws -> R {
        let descriptor = try lock()
        defer { unlock(descriptor) }
        return try body()
    }

    /// `withLock` for async work (the lock is held by this process while `body` runs).
    public func withLockAsync<R>(_ body: () async throws -> R) async throws -> R {
        let descriptor = try lock()
        defer { unlock(descriptor) }
        return try await body()
    }

    private func lock() throws -> Int32 {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let descriptor = open(root + "/.lock", O_CREAT | O_RDWR, 0o644)
        guard descriptor >= 0 else { throw Failure(description: "cannot open \(root)/.lock") }
        guard flock(descriptor, LOCK_EX) == 0 else {
            close(descriptor)
            throw Failure(description: "cannot lock \(root)/.lock")
        }
        return descriptor
    }

    private func unlock(_ descriptor: Int32) {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Times keep their milliseconds: releases are ordered by time, and two pushes can land
    /// within one second.
    static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(timeFormat))
        }
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            if let date = try? timeFormat.parse(text) { return date }
            if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a time: \(text)"))
        }
        return decoder
    }()
}
