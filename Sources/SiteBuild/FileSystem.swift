import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The few file operations the build needs, on plain POSIX calls: they are several times
/// cheaper than `FileManager`'s for tens of thousands of small files.
enum FileSystem {
    struct Failure: Error, CustomStringConvertible {
        var path: String
        var operation: String
        var code: Int32
        var description: String { "cannot \(operation) \(path): \(String(cString: strerror(code)))" }
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Failure(path: path, operation: "read", code: errno) }
        defer { close(fd) }
        var info = stat()
        fstat(fd, &info)
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + offset, $0.count - offset) }
            guard n > 0 else {
                if n < 0 { throw Failure(path: path, operation: "read", code: errno) }
                break
            }
            offset += n
        }
        return offset == bytes.count ? bytes : Array(bytes[..<offset])
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw Failure(path: path, operation: "write", code: errno) }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            guard n > 0 else { throw Failure(path: path, operation: "write", code: errno) }
            offset += n
        }
    }

    /// Writes to a temporary name and renames it over `path`: readers see the old file or the
    /// new one, never half of one.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".lectern-tmp"
        try write(bytes, to: temporary)
        guard rename(temporary, path) == 0 else { throw Failure(path: path, operation: "replace", code: errno) }
    }

    static func makeDirectories(_ path: String) throws {
        if mkdir(path, 0o755) == 0 || errno == EEXIST { return }
        guard errno == ENOENT else { throw Failure(path: path, operation: "create folder", code: errno) }
        let parent = (path as NSString).deletingLastPathComponent
        guard !parent.isEmpty, parent != path else { throw Failure(path: path, operation: "create folder", code: errno) }
        try makeDirectories(parent)
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw Failure(path: path, operation: "create folder", code: errno)
        }
    }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    static func move(_ from: String, to: String) throws {
        guard rename(from, to) == 0 else { throw Failure(path: from, operation: "move to \(to)", code: errno) }
    }

    /// Files under `directory`, recursively, as paths relative to it, sorted; hidden files skipped.
    static func files(under directory: String) -> [String] {
        // readdir rather than FileManager's enumerator: on a 10k-lesson site the enumerator's
        // path bridging was a tenth of a no-change rebuild.
        var files: [String] = []
        walk(directory, prefix: "", into: &files)
        return files.sorted()
    }

    private static func walk(_ directory: String, prefix: String, into files: inout [String]) {
        guard let handle = opendir(directory) else { return }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            // Hidden files and folders (and `.`, `..`) are not content.
            if name.hasPrefix(".") { continue }
            let path = directory + "/" + name
            let type = entry.pointee.d_type
            let isDirectory = type == UInt8(DT_DIR) || (type == UInt8(DT_UNKNOWN) && Self.isDirectory(path))
            if isDirectory {
                walk(path, prefix: prefix + name + "/", into: &files)
            } else if type == UInt8(DT_REG) || type == UInt8(DT_UNKNOWN) {
                files.append(prefix + name)
            } else if type == UInt8(DT_LNK), !Self.isDirectory(path) {
                // A link to a file is content; a link to a folder is not followed.
                files.append(prefix + name)
            }
        }
    }

    /// Size and modification time, the cheap test of whether a file may have changed.
    static func signature(_ path: String) -> (size: Int, modified: Int)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (Int(info.st_size), Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec))
    }
}
