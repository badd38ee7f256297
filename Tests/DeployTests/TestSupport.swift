import Foundation

/// Paths, child processes and HTTP for the deploy tests.
enum TestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// Where `swift build` put `lectern` and the function binaries: beside the test bundle
    /// (`swift build --show-bin-path`), else the debug folder.
    static var binDirectory: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        return FileManager.default.isExecutableFile(atPath: beside + "/lectern") ? beside : repositoryRoot + "/.build/debug"
    }

    static var lectern: String { binDirectory + "/lectern" }

    /// The first of `candidates` that is an executable file.
    static func executable(_ candidates: String...) -> String? {
        candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func temporaryFolder(_ label: String) throws -> String {
        let path = NSTemporaryDirectory() + "lectern-\(label)-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    struct Output {
        let status: Int32
        let output: Data
        let errors: String
        var text: String { String(decoding: output, as: UTF8.self) }
    }

    /// Runs `executable` to the end.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                    in directory: String? = nil) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        // Errors to a file, not a second pipe: a child filling one pipe while we drain the
        // other would never finish.
        let errorsFile = NSTemporaryDirectory() + "lectern-errors-" + UUID().uuidString
        _ = FileManager.default.createFile(atPath: errorsFile, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errorsFile) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorsFile))
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errors = (try? String(contentsOfFile: errorsFile, encoding: .utf8)) ?? ""
        return Output(status: process.terminationStatus, output: out, errors: errors)
    }

    /// Starts `executable` in the background, its output appended to `log`.
    static func start(_ executable: String, _ arguments: [String], environment: [String: String], log: String) throws -> Process {
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Stops a child started by `start`: SIGTERM, then waits for it.
    static func stop(_ process: Process) {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// A TCP port nothing listens on right now (the kernel's pick for port 0).
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure("socket: \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddrPointer in
                bind(descriptor, sockaddrPointer, length) == 0 && getsockname(descriptor, sockaddrPointer, &length) == 0
            }
        }
        guard bound else { throw Failure("bind: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Polls `ready` (backing off from 5 ms to 100 ms) until it holds, `alive` fails, or 30 s pass.
    static func waitUntil(_ what: String, alive: () -> Bool = { true }, _ ready: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        var delay = Duration.milliseconds(5)
        while ContinuousClock.now < deadline {
            if (try? ready()) == true { return }
            guard alive() else { throw Failure("\(what): the process exited") }
            try await Task.sleep(for: delay)
            delay = min(delay * 2, .milliseconds(100))
        }
        throw Failure("\(what): not ready after 30 s")
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
