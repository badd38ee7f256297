import Foundation
import SiteModel
import Synchronization

/// The build's `manifest.json`, read again only when the file changes (a rebuild or a new
/// release), so a function answers for the site that is live without a restart.
public final class ManifestFile: Sendable {
    public struct Unreadable: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason). Run `lectern build` to write it." }
    }

    /// A gated path and how to serve it.
    public struct Gate: Sendable, Equatable {
        public let lessonID: String
        public let courseID: String
        public let access: Access
        public let privatePath: String?
    }

    private struct Loaded: Sendable {
        let stamp: FileStamp
        let manifest: Manifest
        let byURL: [String: Gate]
    }

    public let path: String
    private let cache = Mutex<Loaded?>(nil)
    /// When the file was last looked at (monotonic ns); see `recheckInterval`.
    private let checked = Mutex<UInt64>(0)
    /// How long a loaded manifest is trusted without a `stat`: zero for functions (always
    /// current); the router sets half a second to keep the `stat` off its hot path.
    public let recheckInterval: UInt64

    public init(path: String, recheckInterval: Duration = .zero) {
        self.path = path
        self.recheckInterval = UInt64(recheckInterval.components.seconds) * 1_000_000_000
            + UInt64(recheckInterval.components.attoseconds / 1_000_000_000)
    }

    public func manifest() throws -> Manifest {
        try load().manifest
    }

    /// The lesson served at `urlPath` (`/courses/x/y/z/`), if any.
    public func lesson(at urlPath: String) throws -> Gate? {
        try load().byURL[urlPath]
    }

    private func load() throws -> Loaded {
        if recheckInterval > 0 {
            let now = DispatchTime.now().uptimeNanoseconds
            let recent = checked.withLock { last in
                if now &- last < recheckInterval { return true }
                last = now
                return false
            }
            if recent, let current = cache.withLock({ $0 }) { return current }
        }
        guard let stamp = FileStamp(path: path) else {
            throw Unreadable(path: path, reason: "the manifest does not exist")
        }
        if let current = cache.withLock({ $0 }), current.stamp == stamp { return current }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Unreadable(path: path, reason: "the manifest cannot be read")
        }
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: data)
        } catch {
            throw Unreadable(path: path, reason: "the manifest is not valid (\(error))")
        }
        var byURL: [String: Gate] = [:]
        for (course, lesson) in manifest.lessons {
            byURL[lesson.url] = Gate(lessonID: lesson.id, courseID: course.id, access: lesson.access, privatePath: lesson.privatePath)
        }
        let loaded = Loaded(stamp: stamp, manifest: manifest, byURL: byURL)
        cache.withLock { $0 = loaded }
        return loaded
    }
}

/// Identity of a file's contents for cache checks: inode, size and modification time.
public struct FileStamp: Sendable, Equatable {
    public let inode: UInt64
    public let size: Int64
    public let modified: Int64

    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.init(info)
    }

    public init(_ info: stat) {
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    }
}
