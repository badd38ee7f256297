import Foundation
import Logging
import Store
import Testing

/// A throwaway database on each backend the machine offers: always a fresh SQLite file; a fresh
/// PostgreSQL database when `TEST_DATABASE_URL` names a server (CI sets it, and sets
/// `LECTERN_REQUIRE_POSTGRES=1` so a missing server fails instead of skipping).
enum TestDatabase {
    enum Kind: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    static var postgresAdminURL: String? {
        ProcessInfo.processInfo.environment["TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var kinds: [Kind] {
        let required = ProcessInfo.processInfo.environment["LECTERN_REQUIRE_POSTGRES"] == "1"
        return postgresAdminURL != nil || required ? Kind.allCases : [.sqlite]
    }

    /// Runs `body` with a store on an empty database, then removes the database.
    static func with<R>(_ kind: Kind, _ body: (Store, DatabaseURL) async throws -> R) async throws -> R {
        switch kind {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lectern-store-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let url = try DatabaseURL("sqlite://\(folder)/test.sqlite")
            let store = try await Store.open(url)
            do {
                let result = try await body(store, url)
                await store.close()
                return result
            } catch {
                await store.close()
                throw error
            }
        case .postgres:
            guard let admin = postgresAdminURL else {
                Issue.record("TEST_DATABASE_URL is not set but LECTERN_REQUIRE_POSTGRES=1")
                throw CancellationError()
            }
            let name = "lectern_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            let adminStore = try await Store.open(try DatabaseURL(admin))
            try await adminStore.withDatabase { db in try await db.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
            var components = URLComponents(string: admin)!
            components.path = "/" + name
            let url = try DatabaseURL(components.string!)
            let store = try await Store.open(url)
            let outcome: Result<R, any Error>
            do {
                outcome = .success(try await body(store, url))
            } catch {
                outcome = .failure(error)
            }
            await store.close()
            try await adminStore.withDatabase { db in try await db.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run() }
            await adminStore.close()
            return try outcome.get()
        }
    }
}
