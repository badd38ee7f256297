import Foundation
import SQLKit
import Store
import Testing

/// The same behaviour on both backends: a real SQLite file and a real PostgreSQL server.
@Suite struct StoreTests {
    static let notesV1 = Migration(1, "create notes") { db in
        try await db.raw("CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT NOT NULL, n INTEGER NOT NULL DEFAULT 0)").run()
    }
    static let notesV2 = Migration(2, "add notes.author") { db in
        try await db.raw("ALTER TABLE notes ADD COLUMN author TEXT").run()
    }

    @Test(arguments: TestDatabase.kinds)
    func migrationsApplyOnceInOrder(_ kind: TestDatabase.Kind) async throws {
        try await TestDatabase.with(kind) { store, _ in
            let migrator = Migrator(store: store)
            let first = try await migrator.migrate([MigrationSet(owner: "notes", [Self.notesV2, Self.notesV1])])
            #expect(first.map(\.version) == [1, 2])
            let again = try await migrator.migrate([MigrationSet(owner: "notes", [Self.notesV1, Self.notesV2])])
            #expect(again.isEmpty)
            #expect(try await migrator.applied().map { "\($0.owner)#\($0.version)" } == ["notes#1", "notes#2"])
            try await store.withDatabase { db in
                try await db.raw("INSERT INTO notes (id, body, author) VALUES ('a', 'x', 'me')").run()
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func failedMigrationRollsBackAndSaysWhich(_ kind: TestDatabase.Kind) async throws {
        try await TestDatabase.with(kind) { store, _ in
            let migrator = Migrator(store: store)
            try await migrator.migrate([MigrationSet(owner: "notes", [Self.notesV1])])
            let broken = Migration(2, "half-done change") { db in
                try await db.raw("CREATE TABLE tags (id TEXT PRIMARY KEY)").run()
                try await db.raw("ALTER TABLE no_such_table ADD COLUMN x TEXT").run()
            }
            do {
                try await migrator.migrate([MigrationSet(owner: "notes", [Self.notesV1, broken])])
                Issue.record("the broken migration was accepted")
            } catch let error as MigrationError {
                #expect(error.owner == "notes")
                #expect(error.version == 2)
                #expect(error.description.contains("'half-done change'"))
                #expect(error.description.contains("rolled back"))
            }
            // Neither the table it created nor its record survived; version 1 is untouched.
            #expect(try await migrator.applied().map(\.version) == [1])
            let tags = try await store.withDatabase { db in
                try await db.raw("SELECT COUNT(*) AS n FROM lectern_migrations WHERE version = 2").first(decodingColumn: "n", as: Int.self)
            }
            #expect(tags == 0)
            await #expect(throws: (any Error).self) {
                try await store.withDatabase { db in try await db.raw("SELECT * FROM tags").run() }
            }
            // Fixed, it applies.
            let applied = try await migrator.migrate([MigrationSet(owner: "notes", [Self.notesV1, Self.notesV2])])
            #expect(applied.map(\.version) == [2])
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func transactionsCommitOrRollBackWhole(_ kind: TestDatabase.Kind) async throws {
        try await TestDatabase.with(kind) { store, _ in
            try await Migrator(store: store).migrate([MigrationSet(owner: "notes", [Self.notesV1])])
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await store.transaction { db in
                    try await db.raw("INSERT INTO notes (id, body) VALUES ('lost', 'x')").run()
                    throw Boom()
                }
            }
            try await store.transaction { db in
                try await db.raw("INSERT INTO notes (id, body) VALUES ('kept', 'y')").run()
            }
            let ids = try await store.withDatabase { db in
                try await db.raw("SELECT id FROM notes ORDER BY id").all(decodingColumn: "id", as: String.self)
            }
            #expect(ids == ["kept"])
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func concurrentTransactionsDoNotLoseUpdates(_ kind: TestDatabase.Kind) async throws {
        try await TestDatabase.with(kind) { store, _ in
            try await Migrator(store: store).migrate([MigrationSet(owner: "notes", [Self.notesV1])])
            try await store.withDatabase { db in try await db.raw("INSERT INTO notes (id, body, n) VALUES ('c', 'counter', 0)").run() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        try await store.transaction { db in
                            // Read-modify-write: only correct if transactions are isolated.
                            let n = try await db.raw("SELECT n FROM notes WHERE id = 'c'\(unsafeRaw: store.backend == .postgres ? " FOR UPDATE" : "")")
                                .first(decodingColumn: "n", as: Int.self) ?? 0
                            try await db.raw("UPDATE notes SET n = \(bind: n + 1) WHERE id = 'c'").run()
                        }
                    }
                }
                try await group.waitForAll()
            }
            let n = try await store.withDatabase { db in
                try await db.raw("SELECT n FROM notes WHERE id = 'c'").first(decodingColumn: "n", as: Int.self)
            }
            #expect(n == 40)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func concurrentMigratorsApplyEachVersionOnce(_ kind: TestDatabase.Kind) async throws {
        try await TestDatabase.with(kind) { store, url in
            // Two stores on one database, as two function processes starting together.
            let other = try await Store.open(url)
            let sets = [MigrationSet(owner: "notes", [Self.notesV1, Self.notesV2])]
            async let a = Migrator(store: store).migrate(sets)
            async let b = Migrator(store: other).migrate(sets)
            do {
                let (first, second) = try await (a, b)
                #expect(first.count + second.count == 2)
            } catch {
                Issue.record("concurrent migrators failed: \(String(reflecting: error))")
            }
            await other.close()
        }
    }

    @Test func sqliteIsConfiguredForSharing() async throws {
        try await TestDatabase.with(.sqlite) { store, _ in
            let mode = try await store.withDatabase { db in
                try await db.raw("PRAGMA journal_mode").first(decodingColumn: "journal_mode", as: String.self)
            }
            #expect(mode == "wal")
            let keys = try await store.withDatabase { db in
                try await db.raw("PRAGMA foreign_keys").first(decodingColumn: "foreign_keys", as: Int.self)
            }
            #expect(keys == 1)
            let timeout = try await store.withDatabase { db in
                try await db.raw("PRAGMA busy_timeout").first(decodingColumn: "timeout", as: Int.self)
            }
            #expect((timeout ?? 0) >= 5000)
        }
    }

    @Test func sqliteFileIsSharedBetweenConnections() async throws {
        try await TestDatabase.with(.sqlite) { store, url in
            try await Migrator(store: store).migrate([MigrationSet(owner: "notes", [Self.notesV1])])
            let other = try await Store.open(url)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<100 {
                    let target = index.isMultiple(of: 2) ? store : other
                    group.addTask {
                        try await target.transaction { db in
                            try await db.raw("INSERT INTO notes (id, body) VALUES (\(bind: "n\(index)"), 'x')").run()
                        }
                    }
                }
                try await group.waitForAll()
            }
            let count = try await store.withDatabase { db in
                try await db.raw("SELECT COUNT(*) AS n FROM notes").first(decodingColumn: "n", as: Int.self)
            }
            #expect(count == 100)
            await other.close()
        }
    }

    @Test func databaseURLsAreCheckedWithAClearMessage() throws {
        if case .sqlite(let path) = try DatabaseURL("sqlite:///var/lib/x.sqlite") { #expect(path == "/var/lib/x.sqlite") }
        else { Issue.record("not sqlite") }
        if case .sqlite(let path) = try DatabaseURL("data/x.sqlite") { #expect(path == "data/x.sqlite") }
        else { Issue.record("not sqlite") }
        guard case .postgres(_, let redacted) = try DatabaseURL("postgres://app:s3cret@db:5432/lectern") else {
            Issue.record("not postgres"); return
        }
        #expect(!redacted.contains("s3cret"))
        #expect(throws: StoreError.self) { try DatabaseURL("mysql://x@y/z") }
        #expect(throws: StoreError.self) { try DatabaseURL("") }
        do {
            _ = try DatabaseURL("redis://x")
        } catch {
            #expect(String(describing: error).contains("sqlite:///"))
        }
    }

    @Test func unreachablePostgresFailsAtOpenNamingTheServer() async throws {
        // Port 1 on loopback: nothing listens there.
        do {
            let store = try await Store.open(try DatabaseURL("postgres://u:secret@127.0.0.1:1/db?sslmode=disable"))
            await store.close()
            Issue.record("opened a store on a closed port")
        } catch let error as StoreError {
            #expect(error.description.contains("127.0.0.1:1"))
            #expect(!error.description.contains("secret"))
        }
    }
}
