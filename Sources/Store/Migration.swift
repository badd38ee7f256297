import Foundation
import Logging
import SQLKit

/// One step of a function's schema. Versions are numbered from 1 within a function and never
/// change once released; a new step gets the next number.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let apply: @Sendable (any SQLDatabase) async throws -> Void

    public init(_ version: Int, _ name: String, apply: @escaping @Sendable (any SQLDatabase) async throws -> Void) {
        self.version = version
        self.name = name
        self.apply = apply
    }
}

/// The migrations of one function (several functions share one database, each with its own
/// numbering).
public struct MigrationSet: Sendable {
    public let owner: String
    public let migrations: [Migration]

    public init(owner: String, _ migrations: [Migration]) {
        self.owner = owner
        self.migrations = migrations.sorted { $0.version < $1.version }
    }
}

public struct MigrationError: Error, CustomStringConvertible {
    public let owner: String
    public let version: Int
    public let name: String
    public let reason: String

    public var description: String {
        "migration \(owner) #\(version) '\(name)' failed and was rolled back: \(reason)"
    }
}

public struct AppliedMigration: Sendable, Equatable {
    public let owner: String
    public let version: Int
    public let name: String
}

/// Applies pending migrations, each in its own transaction together with its row in
/// `lectern_migrations`, so a failed one leaves neither its changes nor its record behind.
public struct Migrator: Sendable {
    public let store: Store
    public let logger: Logger

    public init(store: Store, logger: Logger = Logger(label: "lectern.migrate")) {
        self.store = store
        self.logger = logger
    }

    /// Applies what is pending, in order; returns what it applied.
    @discardableResult
    public func migrate(_ sets: [MigrationSet]) async throws -> [AppliedMigration] {
        try await ensureTable()
        var applied: [AppliedMigration] = []
        for set in sets {
            try check(set)
            for migration in set.migrations {
                let owner = set.owner
                let didApply = try await store.transaction { db in
                    // Re-read inside the transaction: another process may have just applied it.
                    // On PostgreSQL an advisory lock makes concurrent migrators queue here.
                    if self.store.backend == .postgres {
                        try await db.raw("SELECT pg_advisory_xact_lock(7415020)").run()
                    }
                    let done = try await db.raw("""
                        SELECT version FROM lectern_migrations WHERE owner = \(bind: owner) AND version = \(bind: migration.version)
                        """).first()
                    if done != nil { return false }
                    do {
                        try await migration.apply(db)
                    } catch {
                        throw MigrationError(owner: owner, version: migration.version, name: migration.name,
                                             reason: String(describing: error))
                    }
                    try await db.raw("""
                        INSERT INTO lectern_migrations (owner, version, name, applied_at)
                        VALUES (\(bind: owner), \(bind: migration.version), \(bind: migration.name), \(bind: Int(Date().timeIntervalSince1970)))
                        """).run()
                    return true
                }
                if didApply {
                    logger.info("applied migration", metadata: ["owner": "\(owner)", "version": "\(migration.version)", "name": "\(migration.name)"])
                    applied.append(AppliedMigration(owner: owner, version: migration.version, name: migration.name))
                }
            }
        }
        return applied
    }

    /// Everything recorded as applied, in order.
    public func applied() async throws -> [AppliedMigration] {
        try await ensureTable()
        return try await store.withDatabase { db in
            try await db.raw("SELECT owner, version, name FROM lectern_migrations ORDER BY owner, version").all().map {
                AppliedMigration(owner: try $0.decode(column: "owner", as: String.self),
                                 version: try $0.decode(column: "version", as: Int.self),
                                 name: try $0.decode(column: "name", as: String.self))
            }
        }
    }

    private func ensureTable() async throws {
        // Under the same lock as migrating: PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe
        // against a second process creating the table at the same moment.
        try await store.transaction { db in
            if self.store.backend == .postgres {
                try await db.raw("SELECT pg_advisory_xact_lock(7415020)").run()
            }
            try await db.raw("""
                CREATE TABLE IF NOT EXISTS lectern_migrations (
                    owner TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    applied_at BIGINT NOT NULL,
                    PRIMARY KEY (owner, version)
                )
                """).run()
        }
    }

    private func check(_ set: MigrationSet) throws {
        var seen = Set<Int>()
        for migration in set.migrations {
            guard migration.version > 0, seen.insert(migration.version).inserted else {
                throw MigrationError(owner: set.owner, version: migration.version, name: migration.name,
                                     reason: "versions must be positive and unique within '\(set.owner)'")
            }
        }
    }
}
