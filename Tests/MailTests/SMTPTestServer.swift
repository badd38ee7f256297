import Foundation

/// A real SMTP server for end-to-end tests: Debian's python3-aiosmtpd on a free loopback port,
/// filing each message it accepts in a Maildir.
struct SMTPTestServer {
    /// One message as Python's `email` package reads it: a real mail parser, independent of ours.
    struct Received: Decodable {
        /// The envelope, as the server recorded it (`X-MailFrom`, `X-RcptTo`).
        let envelopeSender: String
        let envelopeRecipients: String
        let to: String
        let subject: String
        /// The decoded body, with `\n` line ends.
        let body: String
    }

    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    let port: Int
    private let python: String
    private let folder: TemporaryDirectory
    private let process: Process
    private var maildir: URL { folder.url.appendingPathComponent("maildir") }

    /// Starts the server and returns once it accepts connections.
    /// - Throws: `Unavailable` when python3-aiosmtpd is missing or the server does not come up.
    static func start() async throws -> SMTPTestServer {
        let python = try findPython()
        let folder = try TemporaryDirectory()
        let port = try LoopbackPort.free()
        let log = folder.url.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        // Maildir creates its cur/new/tmp only when the folder itself is missing, hence a subfolder.
        process.arguments = [
            "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c", "aiosmtpd.handlers.Mailbox",
            folder.url.appendingPathComponent("maildir").path,
        ]
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        let server = SMTPTestServer(port: port, python: python, folder: folder, process: process)

        let deadline = ContinuousClock.now + .seconds(15)
        while !LoopbackPort.acceptsConnections(port) {
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            guard process.isRunning else {
                server.stop()
                throw Unavailable(description: "aiosmtpd exited with status \(process.terminationStatus): \(output)")
            }
            guard ContinuousClock.now < deadline else {
                server.stop()
                throw Unavailable(description: "aiosmtpd did not listen on 127.0.0.1:\(port) within 15 s: \(output)")
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        return server
    }

    func stop() {
        if process.isRunning {
            // Not terminate(): the child inherits the signal mask of the test runner's thread,
            // which blocks SIGTERM, so Python would never see it. Every accepted message is already
            // on disk, since the server files it before it replies.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        folder.remove()
    }

    /// Every message delivered so far, parsed by Python's `email` package.
    func receivedMessages() throws -> [Received] {
        let new = maildir.appendingPathComponent("new")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: new.path)) ?? []
        return try files.sorted().map { file in
            let reader = Process()
            let output = Pipe()
            reader.executableURL = URL(fileURLWithPath: python)
            reader.arguments = ["-c", Self.parseScript, new.appendingPathComponent(file).path]
            reader.standardOutput = output
            try reader.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            reader.waitUntilExit()
            return try JSONDecoder().decode(Received.self, from: data)
        }
    }

    private static let parseScript = """
        import email, email.policy, json, sys
        with open(sys.argv[1], "rb") as file:
            message = email.message_from_binary_file(file, policy=email.policy.default)
        print(json.dumps({
            "envelopeSender": message["X-MailFrom"], "envelopeRecipients": message["X-RcptTo"],
            "to": str(message["To"]), "subject": str(message["Subject"]), "body": message.get_content(),
        }))
        """

    /// The first `python3` that can import aiosmtpd: the one on `PATH`, else Debian's (a pyenv or
    /// virtualenv python first on `PATH` does not see Debian's packages).
    private static func findPython() throws -> String {
        let onPath = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/python3" }
        for candidate in onPath + ["/usr/bin/python3"] where FileManager.default.isExecutableFile(atPath: candidate) {
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: candidate)
            probe.arguments = ["-c", "import aiosmtpd"]
            probe.standardOutput = FileHandle.nullDevice
            probe.standardError = FileHandle.nullDevice
            guard (try? probe.run()) != nil else { continue }
            probe.waitUntilExit()
            if probe.terminationStatus == 0 { return candidate }
        }
        throw Unavailable(
            description: "the SMTP tests need a real server: install it with `apt-get install -y python3-aiosmtpd` "
                + "(CI installs it); no python3 on PATH or /usr/bin/python3 could import aiosmtpd")
    }
}
