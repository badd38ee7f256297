@testable import FunctionKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import Testing

/// Config and databases for driving functions in tests: a fresh SQLite file each time, or a
/// fresh PostgreSQL database when `TEST_DATABASE_URL` is set (both in CI).
enum FunctionTestSupport {
    enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    static var postgresAdminURL: String? {
        ProcessInfo.processInfo.environment["TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var backends: [Backend] {
        postgresAdminURL != nil || ProcessInfo.processInfo.environment["LECTERN_REQUIRE_POSTGRES"] == "1"
            ? Backend.allCases : [.sqlite]
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func temporaryFolder() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lectern-fn-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A database URL on `backend`, removed after `body`.
    static func withDatabase<R>(_ backend: Backend, _ body: (String) async throws -> R) async throws -> R {
        switch backend {
        case .sqlite:
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            return try await body("sqlite://\(folder)/test.sqlite")
        case .postgres:
            guard let admin = postgresAdminURL else {
                Issue.record("LECTERN_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
                throw CancellationError()
            }
            let name = "lectern_fn_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            let adminStore = try await Store.open(try DatabaseURL(admin))
            try await adminStore.withDatabase { db in try await db.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
            var components = URLComponents(string: admin)!
            components.path = "/" + name
            let outcome: Result<R, any Error>
            do { outcome = .success(try await body(components.string!)) } catch { outcome = .failure(error) }
            try await adminStore.withDatabase { db in try await db.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run() }
            await adminStore.close()
            return try outcome.get()
        }
    }

    static func config(name: String, database: String, extra: [String: String] = [:]) throws -> FunctionConfig {
        var environment = ["DATABASE_URL": database, "LECTERN_ENV": "development", "LECTERN_DOTENV": "/nonexistent/.env",
                           "LECTERN_RATE_LIMIT": "off", "PORT": "0"]
        environment.merge(extra) { $1 }
        return try FunctionConfig.fromEnvironment(name: name, environment: environment)
    }
}

extension TestClientProtocol {
    func postJSON(_ uri: String, _ json: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var fields = headers
        fields[.contentType] = "application/json"
        return try await execute(uri: uri, method: .post, headers: fields, body: ByteBuffer(string: json))
    }
}

struct ErrorBody: Decodable {
    struct Inner: Decodable {
        let code: String
        let message: String
        let field: String?
    }
    let error: Inner

    init(_ response: TestResponse) throws {
        self = try JSONDecoder().decode(ErrorBody.self, from: Data(buffer: response.body))
    }
}
