import AsyncHTTPClient
import HummingbirdTesting
import Hummingbird
import Foundation
import LeadsFunction
import Store
import Testing

/// The real `leads` binary, as the router runs it: on a Unix socket, sharing one SQLite file
/// with other processes, stopping cleanly on SIGTERM.
@Suite struct ProcessTests {
    static var binDirectory: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        return FileManager.default.isExecutableFile(atPath: beside + "/leads") ? beside : FunctionTestSupport.repositoryRoot + "/.build/debug"
    }

    final class Running: @unchecked Sendable {
        let process = Process()
        let socket: String
        let stderr = Pipe()

        init(socket: String, environment: [String: String]) throws {
            self.socket = socket
            process.executableURL = URL(fileURLWithPath: ProcessTests.binDirectory + "/leads")
            process.environment = ["SOCKET_PATH": socket, "LECTERN_DOTENV": "/nonexistent", "LECTERN_RATE_LIMIT": "off"]
                .merging(environment) { $1 }
            process.standardError = stderr
            try process.run()
        }

        func waitForSocket() async throws {
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                if FileManager.default.fileExists(atPath: socket), let response = try? RawHTTP.exchange(socket: socket, parts: ["GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"]),
                   response.hasPrefix("HTTP/1.1 200") { return }
                guard process.isRunning else { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            Issue.record("leads did not come up: \(String(decoding: stderr.fileHandleForReading.availableData, as: UTF8.self))")
            throw CancellationError()
        }

        func stop() {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
    }

    @Test func sigtermFinishesTheRequestInFlightThenExits() async throws {
        let folder = FunctionTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let running = try Running(socket: folder + "/leads.sock", environment: ["DATABASE_URL": "sqlite://\(folder)/db.sqlite"])
        defer { running.stop() }
        try await running.waitForSocket()

        let body = #"{"email":"inflight@example.com","consent":true}"#
        let head = "POST /api/leads HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        let half = body.utf8.count / 2
        let response = try RawHTTP.exchange(socket: running.socket, parts: [head + String(body.prefix(half)), String(body.dropFirst(half))]) {
            // Between the two halves: ask the process to stop. First give the server time to read
            // the head: a connection whose request it has not yet seen is idle, and idle
            // connections are rightly closed at shutdown.
            usleep(300_000)
            kill(running.process.processIdentifier, SIGTERM)
            usleep(300_000)
        }
        #expect(response.hasPrefix("HTTP/1.1 201"), "\(response) \(String(decoding: running.stderr.fileHandleForReading.availableData, as: UTF8.self))")
        let deadline = Date().addingTimeInterval(15)
        while running.process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!running.process.isRunning)
        #expect(running.process.terminationStatus == 0)

        let store = try await Store.open(try DatabaseURL("sqlite://\(folder)/db.sqlite"))
        #expect(try await LeadsFunction.allLeads(in: store).map(\.email) == ["inflight@example.com"])
        await store.close()
    }

    @Test func twoProcessesShareOneSQLiteFile() async throws {
        let folder = FunctionTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let environment = ["DATABASE_URL": "sqlite://\(folder)/shared.sqlite"]
        let first = try Running(socket: folder + "/a.sock", environment: environment)
        let second = try Running(socket: folder + "/b.sock", environment: environment)
        defer { first.stop(); second.stop() }
        try await first.waitForSocket()
        try await second.waitForSocket()

        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
            for index in 0..<120 {
                let socket = index.isMultiple(of: 2) ? first.socket : second.socket
                group.addTask {
                    var request = HTTPClientRequest(url: URL(httpURLWithSocketPath: socket, uri: "/api/leads")!.absoluteString)
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json")
                    // Every tenth address repeats, so merges race with inserts across processes.
                    let email = index % 10 == 9 ? "same@example.com" : "p\(index)@example.com"
                    request.body = .bytes(ByteBuffer(string: #"{"email":"\#(email)","consent":true}"#))
                    let response = try await client.execute(request, timeout: .seconds(30))
                    _ = try await response.body.collect(upTo: 1 << 16)
                    return response.status.code
                }
            }
            return try await group.reduce(into: [UInt]()) { $0.append($1) }
        }
        try await client.shutdown()
        #expect(statuses.allSatisfy { $0 == 200 || $0 == 201 }, "\(Set(statuses))")
        #expect(statuses.filter { $0 == 201 }.count == 109)

        let store = try await Store.open(try DatabaseURL("sqlite://\(folder)/shared.sqlite"))
        let leads = try await LeadsFunction.allLeads(in: store)
        await store.close()
        #expect(leads.count == 109)
        #expect(leads.first { $0.email == "same@example.com" }?.submissions == 12)
    }

    @Test func aBadSettingStopsStartUpNamingTheVariable() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binDirectory + "/leads")
        process.environment = ["PORT": "eighty", "LECTERN_DOTENV": "/nonexistent"]
        let stderr = Pipe()
        process.standardError = stderr
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 78)
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(message.contains("PORT: 'eighty' is not a port number"), "\(message)")
    }
}

/// A hand-rolled HTTP/1.1 exchange over a Unix socket, for what a client library hides: sending
/// a request in parts with something happening in between.
enum RawHTTP {
    struct Failure: Error { let message: String }

    static func exchange(socket path: String, parts: [String], between: () -> Void = {}) throws -> String {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(message: "socket()") }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.prefix(buffer.count - 1).enumerated() { buffer[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw Failure(message: "connect(\(path))") }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        for (index, part) in parts.enumerated() {
            if index > 0 { between() }
            let bytes = Array(part.utf8)
            let sent = send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL))
            guard sent == bytes.count else { throw Failure(message: "send part \(index): \(sent), errno \(errno)") }
        }
        var response = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count <= 0 { break }
            response += chunk[0..<count]
            // Enough once the head and a JSON body are in; the server keeps the connection open.
            if let text = String(bytes: response, encoding: .utf8), text.contains("\r\n\r\n"),
               text.hasSuffix("}") || text.hasSuffix("\r\n\r\n") && !text.contains("Content-Length: ") && !text.contains("chunked") {
                break
            }
            if let text = String(bytes: response, encoding: .utf8), text.hasSuffix("0\r\n\r\n") { break }
        }
        return String(decoding: response, as: UTF8.self)
    }
}

/// `lectern migrate` and `lectern leads export`, as an author runs them.
@Suite struct LecternCommandTests {
    static func lectern(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessTests.binDirectory + "/lectern")
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    @Test func migrateAppliesOnceThenExportListsLeads() async throws {
        let folder = FunctionTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let url = "sqlite://\(folder)/cli.sqlite"
        let first = try Self.lectern(["migrate", "--database-url", url])
        #expect(first.status == 0, "\(first.errors)")
        #expect(first.output.contains("applied leads #1 create leads"))
        let second = try Self.lectern(["migrate", "--database-url", url])
        #expect(second.output.contains("up to date"))
        let status = try Self.lectern(["migrate", "--status", "--database-url", url])
        #expect(status.output.contains("leads #1 create leads"))

        let app = try await LeadsFunction.buildApplication(config: try FunctionTestSupport.config(name: "leads", database: url))
        try await app.test(.router) { client in
            _ = try await client.postJSON("/api/leads", #"{"email":"cli@example.com","name":"Cee, Ell","consent":true}"#)
        }
        let export = try Self.lectern(["leads", "export", "--database-url", url])
        let lines = export.output.components(separatedBy: "\r\n")
        #expect(lines.first == "email,name,source,consent_at,created_at,updated_at,submissions")
        #expect(lines.dropFirst().first?.hasPrefix(#"cli@example.com,"Cee, Ell",,"#) == true, "\(export.output)")

        let file = folder + "/leads.csv"
        let written = try Self.lectern(["leads", "export", "--database-url", url, "--output", file])
        #expect(written.errors.contains("wrote 1 leads"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == export.output)
    }

    @Test func aBadDatabaseURLIsReportedNotACrash() throws {
        let result = try Self.lectern(["migrate", "--database-url", "mysql://x@y/z"])
        #expect(result.status != 0)
        #expect(result.errors.contains("DATABASE_URL"), "\(result.errors)")
        #expect(result.errors.contains("sqlite:///"))
    }
}
