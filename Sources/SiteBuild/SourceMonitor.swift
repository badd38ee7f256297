import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Tells a watching build which of the site's sources (`content/`, `layouts/`, `static/`) changed.
///
/// Linux's inotify (one watch per folder) reports a change as it happens and costs nothing while
/// nothing changes. Where it is not available (another OS, watches exhausted) the folders are
/// listed and stat-ed every quarter second instead, which works on every file system but costs
/// about 45 ms a look on a 10k-lesson site (a sixth of a core) and up to 250 ms of latency.
public final class SourceMonitor {
    public static let folders = ["content", "layouts", "static"]
    let siteDirectory: String
    /// How long a change must be followed by quiet before it is reported: an editor's save can
    /// be several events (write, rename, attributes).
    let settle: Int32 = 2

    private var descriptor: Int32 = -1
    /// Watch descriptor → folder relative to the site (`content/courses/ai`).
    private var watched: [Int32: String] = [:]
    /// For polling: every file's size and modification time.
    private var snapshot: [String: FileSignature] = [:]

    struct FileSignature: Equatable {
        var size: Int
        var modified: Int
    }

    /// Whether changes come from inotify (`false`: the folders are polled).
    public var usesInotify: Bool { descriptor >= 0 }

    /// Starts looking: changes made from now on are reported by `next()`.
    public init(siteDirectory: String, polling: Bool = false) {
        self.siteDirectory = siteDirectory
        #if os(Linux)
        if !polling { startInotify() }
        #endif
        if descriptor < 0 { snapshot = scan() }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// What `next(timeout:)` saw.
    public enum Event: Sendable, Equatable {
        /// These paths changed (relative to the site folder: `content/about.md`); `nil` when
        /// more changed than can be told (the build then looks at everything).
        case changed(Set<String>?)
        /// Nothing changed for `timeout` seconds.
        case quiet
    }

    /// Blocks until something changes, or until `timeout` seconds passed without a change.
    public func next(timeout: Double? = nil) -> Event {
        #if os(Linux)
        if descriptor >= 0 { return nextFromInotify(timeout: timeout) }
        #endif
        let start = Date()
        while true {
            Thread.sleep(forTimeInterval: 0.25)
            let current = scan()
            guard current != snapshot else {
                if let timeout, Date().timeIntervalSince(start) >= timeout { return .quiet }
                continue
            }
            var changed = Set<String>()
            for (path, signature) in current where snapshot[path] != signature { changed.insert(path) }
            for path in snapshot.keys where current[path] == nil { changed.insert(path) }
            snapshot = current
            return .changed(changed)
        }
    }

    /// Every source file's signature, listed with `readdir` and `stat`.
    func scan() -> [String: FileSignature] {
        var result: [String: FileSignature] = [:]
        for folder in Self.folders {
            let root = siteDirectory + "/" + folder
            for file in FileSystem.files(under: root) {
                guard let signature = FileSystem.signature(root + "/" + file) else { continue }
                result[folder + "/" + file] = FileSignature(size: signature.size, modified: signature.modified)
            }
        }
        return result
    }

    #if os(Linux)
    private static let fileEvents = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB)
    private static let folderEvents = UInt32(IN_CREATE) | fileEvents | UInt32(IN_DELETE_SELF)

    private func startInotify() {
        descriptor = inotify_init1(Int32(IN_CLOEXEC))
        guard descriptor >= 0 else { return }
        // The site folder itself, to see `layouts/` or `static/` appear.
        guard addWatch("") else { return stopInotify() }
        for folder in Self.folders where FileSystem.isDirectory(siteDirectory + "/" + folder) {
            guard addWatches(under: folder) else { return stopInotify() }
        }
    }

    private func stopInotify() {
        close(descriptor)
        descriptor = -1
        watched = [:]
    }

    private func addWatch(_ folder: String) -> Bool {
        let path = folder.isEmpty ? siteDirectory : siteDirectory + "/" + folder
        let mask = folder.isEmpty ? UInt32(IN_CREATE | IN_MOVED_TO) | UInt32(IN_ONLYDIR) : Self.folderEvents
        let watch = inotify_add_watch(descriptor, path, mask)
        guard watch >= 0 else { return false }
        watched[watch] = folder
        return true
    }

    /// Watches `folder` and every folder below it (hidden ones skipped, as the build skips them).
    private func addWatches(under folder: String) -> Bool {
        guard addWatch(folder) else { return false }
        guard let handle = opendir(siteDirectory + "/" + folder) else { return true }
        defer { closedir(handle) }
        var children: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            guard !name.hasPrefix(".") else { continue }
            let type = entry.pointee.d_type
            if type == UInt8(DT_DIR) || (type == UInt8(DT_UNKNOWN) && FileSystem.isDirectory(siteDirectory + "/" + folder + "/" + name)) {
                children.append(folder + "/" + name)
            }
        }
        return children.allSatisfy(addWatches(under:))
    }

    private func nextFromInotify(timeout quietAfter: Double?) -> Event {
        var changed = Set<String>()
        var overflowed = false
        var timeout: Int32 = quietAfter.map { Int32($0 * 1000) } ?? -1
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&request, 1, timeout)
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 {
                if overflowed { return .changed(nil) }
                if !changed.isEmpty { return .changed(changed) }
                if quietAfter != nil { return .quiet }
                timeout = -1
                continue
            }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { continue }
            buffer.withUnsafeBytes { bytes in
                var offset = 0
                while offset + 16 <= count {
                    let watch = bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                    let mask = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                    let length = Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                    let nameBytes = bytes[(offset + 16)..<(offset + 16 + length)].prefix { $0 != 0 }
                    let name = String(decoding: nameBytes, as: UTF8.self)
                    offset += 16 + length
                    if mask & UInt32(IN_Q_OVERFLOW) != 0 { overflowed = true; continue }
                    if mask & UInt32(IN_IGNORED) != 0 { watched[watch] = nil; continue }
                    guard let folder = watched[watch], !name.hasPrefix(".") else { continue }
                    if folder.isEmpty {
                        // `layouts/` or `static/` (or `content/`) appeared beside the others.
                        if Self.folders.contains(name), addWatches(under: name) { changed.formUnion(files(under: name)) }
                        continue
                    }
                    let path = folder + "/" + name
                    if mask & UInt32(IN_ISDIR) != 0 {
                        // A new folder may already hold files (`mkdir -p` and a copy): watch it
                        // and report them; a folder moved away takes its files with it.
                        if mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0, addWatches(under: path) { changed.formUnion(files(under: path)) }
                        if mask & UInt32(IN_MOVED_FROM | IN_DELETE) != 0 { overflowed = true }
                        continue
                    }
                    // A file is reported once written (IN_CLOSE_WRITE), not when it is created empty.
                    if mask & UInt32(IN_CREATE) != 0 { continue }
                    changed.insert(path)
                }
            }
            timeout = settle
        }
    }

    private func files(under folder: String) -> [String] {
        FileSystem.files(under: siteDirectory + "/" + folder).map { folder + "/" + $0 }
    }
    #endif
}
