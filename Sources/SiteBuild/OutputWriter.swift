import Foundation

/// Writes the build's files into new folders beside the old ones, then swaps them in:
/// a build that fails before the swap leaves the previous `dist/` exactly as it was.
struct OutputWriter {
    let options: BuildOptions

    func writeAll(_ outputs: [OutputFile], copies: [(from: String, to: String)]) throws {
        let publicStaging = options.outputDirectory + ".lectern-new"
        let privateStaging = options.privateDirectory + ".lectern-new"
        for staging in [publicStaging, privateStaging] {
            FileSystem.remove(staging)
            try FileSystem.makeDirectories(staging)
        }
        @Sendable func target(_ output: OutputFile) -> String {
            (output.destination == .public ? publicStaging : privateStaging) + "/" + output.path
        }
        // Folders first (in one thread: creating them is ordered), then files from all cores.
        var folders = Set<String>()
        for output in outputs { folders.insert((target(output) as NSString).deletingLastPathComponent) }
        for copy in copies { folders.insert(((publicStaging + "/" + copy.to) as NSString).deletingLastPathComponent) }
        for folder in folders.sorted() { try FileSystem.makeDirectories(folder) }

        let failures: [String] = outputs.parallelMap { output in
            do {
                try FileSystem.write(output.bytes, to: target(output))
                return ""
            } catch {
                return "\(error)"
            }
        }.filter { !$0.isEmpty }
        if let failure = failures.first {
            FileSystem.remove(publicStaging)
            FileSystem.remove(privateStaging)
            throw WriteFailure(message: failure)
        }
        for copy in copies {
            try FileSystem.write(try FileSystem.read(copy.from), to: publicStaging + "/" + copy.to)
        }
        try swap(publicStaging, into: options.outputDirectory)
        try swap(privateStaging, into: options.privateDirectory)
    }

    /// Replaces `directory` with `staging` using renames, so it is never half-written.
    private func swap(_ staging: String, into directory: String) throws {
        let old = directory + ".lectern-old"
        FileSystem.remove(old)
        if FileSystem.exists(directory) { try FileSystem.move(directory, to: old) }
        try FileSystem.move(staging, to: directory)
        FileSystem.remove(old)
    }

    struct WriteFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

extension OutputWriter {
    /// Replaces the given files in the existing output folders, each atomically, and deletes
    /// the files of pages that no longer exist. Used when the cache shows only some pages changed.
    func update(_ outputs: [OutputFile], removing removed: [String]) throws {
        func target(_ output: OutputFile) -> String {
            (output.destination == .public ? options.outputDirectory : options.privateDirectory) + "/" + output.path
        }
        var folders = Set<String>()
        for output in outputs { folders.insert((target(output) as NSString).deletingLastPathComponent) }
        for folder in folders.sorted() { try FileSystem.makeDirectories(folder) }
        for output in outputs { try FileSystem.writeAtomically(output.bytes, to: target(output)) }
        for name in removed {
            let isPublic = name.hasPrefix("public:")
            let path = String(name.drop { $0 != ":" }.dropFirst())
            FileSystem.remove((isPublic ? options.outputDirectory : options.privateDirectory) + "/" + path)
        }
    }
}
