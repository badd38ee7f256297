import Foundation
import Logging
import SQLKit
import NIOPosix
import SQLiteKit

/// One SQLite connection per process, shared by every request of that process.
///
/// SQLite runs one statement at a time per connection anyway, so a pool would buy nothing; the
/// gate keeps a transaction's statements together. Several processes share the file safely:
/// WAL lets readers run beside the one writer, and the busy timeout makes a writer wait for the
/// lock instead of failing.
final class SQLiteEngine: StoreEngine {
    private let connection: SQLiteConnection
    private let database: any SQLDatabase
    private let threadPool: NIOThreadPool
    private let gate = SerialGate()
    /// A second connection, read-only, on a thread of its own: reads need no gate (each
    /// statement is atomic, and none of them is part of a transaction).
    private let readConnection: SQLiteConnection
    private let readDatabase: any SQLDatabase
    private let readThreadPool: NIOThreadPool

    private init(connection: SQLiteConnection, threadPool: NIOThreadPool, readConnection: SQLiteConnection, readThreadPool: NIOThreadPool) {
        self.connection = connection
        self.threadPool = threadPool
        self.database = connection.sql(queryLogLevel: .trace)
        self.readConnection = readConnection
        self.readThreadPool = readThreadPool
        self.readDatabase = readConnection.sql(queryLogLevel: .trace)
    }

    static func open(path: String, logger: Logger) async throws -> SQLiteEngine {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        // A thread of its own: a statement waiting out the busy timeout blocks its thread, and
        // on a shared pool it could block the thread the lock holder needs to commit.
        let threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: threadPool, logger: logger,
                on: MultiThreadedEventLoopGroup.singleton.any())
        } catch {
            try? await threadPool.shutdownGracefully()
            throw error
        }
        // busy_timeout first: switching to WAL itself needs the lock another process may hold.
        for pragma in ["PRAGMA busy_timeout = 10000", "PRAGMA journal_mode = WAL",
                       "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON"] {
            try await connection.sql().raw(SQLQueryString(pragma)).run()
        }
        let readThreadPool = NIOThreadPool(numberOfThreads: 1)
        readThreadPool.start()
        let readConnection: SQLiteConnection
        do {
            readConnection = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: readThreadPool, logger: logger,
                on: MultiThreadedEventLoopGroup.singleton.any())
            for pragma in ["PRAGMA busy_timeout = 10000", "PRAGMA query_only = ON"] {
                try await readConnection.sql().raw(SQLQueryString(pragma)).run()
            }
        } catch {
            try? await connection.close()
            try? await threadPool.shutdownGracefully()
            try? await readThreadPool.shutdownGracefully()
            throw error
        }
        return SQLiteEngine(connection: connection, threadPool: threadPool, readConnection: readConnection, readThreadPool: readThreadPool)
    }

    func withDatabase<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await gate.run { try await body(self.database) }
    }

    func read<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await body(readDatabase)
    }

    func transaction<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await gate.run {
            try await self.database.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await body(self.database)
                try await self.database.raw("COMMIT").run()
                return result
            } catch {
                try? await self.database.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    func close() async {
        try? await readConnection.close()
        try? await readThreadPool.shutdownGracefully()
        try? await connection.close()
        try? await threadPool.shutdownGracefully()
    }
}

/// Runs async closures one after another, in arrival order.
actor SerialGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func run<R: Sendable>(_ body: @Sendable () async throws -> R) async throws -> R {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            busy = false
        } else {
            // Ownership passes straight to the next waiter; `busy` stays true.
            waiters.removeFirst().resume()
        }
    }
}
