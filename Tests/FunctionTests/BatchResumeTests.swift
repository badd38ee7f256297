import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SQLKit
import Store
import Testing

/// The real `generate` binary works through a batch, is killed (SIGKILL) mid-run, and a new
/// process finishes the job: every row generated and saved exactly once, none lost.
@Suite(.timeLimit(.minutes(2)))
struct BatchResumeTests {
    final class Generate: @unchecked Sendable {
        let process = Process()
        let socket: String
        let stderr = Pipe()

        init(socket: String, environment: [String: String]) throws {
            self.socket = socket
            process.executableURL = URL(fileURLWithPath: ProcessTests.binDirectory + "/generate")
            process.environment = environment.merging(["SOCKET_PATH": socket]) { $1 }
            process.standardError = stderr
            process.standardOutput = FileHandle.nullDevice
            try process.run()
        }

        func waitUntilUp() async throws {
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                if FileManager.default.fileExists(atPath: socket),
                   let response = try? RawHTTP.exchange(socket: socket, parts: ["GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"]),
                   response.hasPrefix("HTTP/1.1 200") { return }
                guard process.isRunning else { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            Issue.record("generate did not come up: \(String(decoding: stderr.fileHandleForReading.availableData, as: UTF8.self))")
            throw CancellationError()
        }

        func kill() {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    static func request(_ socket: String, _ method: HTTPMethod, _ path: String, body: String? = nil, session: BrowserSession) async throws -> (Int, [String: Any]) {
        let encoded = socket.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        var request = HTTPClientRequest(url: "http+unix://\(encoded)\(path)")
        request.method = method
        request.headers.add(name: "Cookie", value: "lectern_session=\(session.cookie)")
        request.headers.add(name: "X-CSRF-Token", value: session.csrf)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let data = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), (try? JSONSerialization.jsonObject(with: Data(buffer: data)) as? [String: Any]) ?? [:])
    }

    @Test func aKilledWorkerLosesNothingAndGeneratesNothingTwice() async throws {
        let openAI = FakeOpenAI()
        try await openAI.run { base in
            await openAI.slowDown(.milliseconds(150))
            try await FunctionTestSupport.withDatabase(.sqlite) { database in
                let harness = try ProgressHarness(database: database)
                try harness.write(GenerateTests.manifest())
                let (userID, session) = try await harness.account("batch@example.com")
                try await harness.withLearners { try await $0.grant(userID: userID, offerID: "pro", source: "test") }
                let folder = FunctionTestSupport.temporaryFolder()
                let environment = [
                    "DATABASE_URL": database, "LECTERN_ENV": "development", "LECTERN_DOTENV": "/nonexistent/.env", "LECTERN_RATE_LIMIT": "off",
                    "LECTERN_PRIVATE_DIR": harness.privateDirectory, "SITE_URL": "http://localhost:8080", "AUTH_SECRET": AuthHarness.secret,
                    "OPENAI_BASE_URL": base + "/v1", "OPENAI_MODEL": "test-model", "GENERATION_QUOTAS": "free=3/day,pro=100/month",
                    "BATCH_LEASE_SECONDS": "1", "BATCH_IDLE_SECONDS": "0.05", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin",
                ]
                let first = try Generate(socket: folder + "/generate.sock", environment: environment)
                try await first.waitUntilUp()
                let rows = (1...8).map { "Product \($0)" }.joined(separator: "\\n")
                let (status, created) = try await Self.request(first.socket, .POST, "/api/generate/batches",
                                                               body: #"{"template":"google-ads","csv":"product\n\#(rows)\n"}"#, session: session)
                #expect(status == 202, "\(created)")
                let id = try #require(created["id"] as? String)

                // Kill it once a few rows are done (and one is likely in flight).
                let deadline = ContinuousClock.now + .seconds(30)
                while ContinuousClock.now < deadline {
                    let (_, job) = try await Self.request(first.socket, .GET, "/api/generate/batches/\(id)", session: session)
                    if (job["done"] as? Int ?? 0) >= 3 { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                first.kill()
                let doneAtKill = try await Self.count(database, "SELECT COUNT(*) AS n FROM batch_rows WHERE job_id = '\(id)' AND status = 'done'")
                #expect(doneAtKill >= 3 && doneAtKill < 8, "killed mid-run (\(doneAtKill) done)")

                let second = try Generate(socket: folder + "/generate2.sock", environment: environment)
                defer { second.kill() }
                try await second.waitUntilUp()
                var finished: [String: Any] = [:]
                while ContinuousClock.now < deadline + .seconds(30) {
                    (_, finished) = try await Self.request(second.socket, .GET, "/api/generate/batches/\(id)", session: session)
                    if finished["status"] as? String == "done" { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(finished["status"] as? String == "done" && finished["done"] as? Int == 8, "\(finished)")
                // Exactly one saved generation per row, each row pointing at its own.
                #expect(try await Self.count(database, "SELECT COUNT(*) AS n FROM generations") == 8)
                #expect(try await Self.count(database, "SELECT COUNT(DISTINCT generation_id) AS n FROM batch_rows WHERE job_id = '\(id)'") == 8)
            }
        }
    }

    static func count(_ database: String, _ sql: String) async throws -> Int {
        let store = try await Store.open(try DatabaseURL(database))
        let value = try await store.withDatabase { db in try await db.raw(SQLQueryString(sql)).first()?.decode(column: "n", as: Int.self) ?? -1 }
        await store.close()
        return value
    }
}
