import Logging
import PostgresKit
import SQLKit
import SQLiteKit

/// One database API over two backends: an embedded SQLite file (the default) and PostgreSQL.
///
/// Code above the store speaks SQLKit (`any SQLDatabase`): its query builders and `raw` queries
/// with `\(bind:)` placeholders serialise correctly for either dialect. `withDatabase` runs
/// statements one at a time; `transaction` runs a closure all-or-nothing on one connection.
public final class Store: Sendable {
    public enum Backend: String, Sendable {
        case sqlite, postgres
    }

    public let backend: Backend
    /// Where the data lives, with any password removed: safe for logs and error messages.
    public let location: String
    private let engine: any StoreEngine

    private init(backend: Backend, location: String, engine: any StoreEngine) {
        self.backend = backend
        self.location = location
        self.engine = engine
    }

    /// Opens the database named by `url` (see `DatabaseURL` for the accepted forms).
    public static func open(_ url: DatabaseURL, logger: Logger = Logger(label: "lectern.store")) async throws -> Store {
        switch url {
        case .sqlite(let path):
            let engine = try await SQLiteEngine.open(path: path, logger: logger)
            return Store(backend: .sqlite, location: path, engine: engine)
        case .postgres(let configuration, let redacted):
            // The pool connects lazily and retries for as long as a request waits; one direct
            // connection fails fast, so a wrong URL is reported at start-up.
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: configuration.coreConfiguration, id: 0, logger: logger)
                try await connection.close()
            } catch {
                throw StoreError.unreachable(location: redacted, reason: String(describing: error))
            }
            let engine = PostgresEngine(configuration: configuration, logger: logger)
            return Store(backend: .postgres, location: redacted, engine: engine)
        }
    }

    /// Runs `body` with a database handle; each statement commits on its own.
    public func withDatabase<R: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> R
    ) async throws -> R {
        try await engine.withDatabase(body)
    }

    /// Runs `body`, which only reads, beside the writers: on SQLite a second, read-only
    /// connection (WAL lets readers run while a write is in progress), so the reads on every
    /// request's hot path (the session, the learner's state) never queue behind a transaction.
    /// Each statement sees the data committed when it starts.
    public func read<R: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> R
    ) async throws -> R {
        try await engine.read(body)
    }

    /// Runs `body` in one transaction: everything it did is committed when it returns and rolled
    /// back when it throws. On SQLite the transaction takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so two processes never deadlock upgrading a read to a write.
    public func transaction<R: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> R
    ) async throws -> R {
        try await engine.transaction(body)
    }

    /// A cheap round trip, for `/healthz`.
    public func ping() async throws {
        try await withDatabase { db in try await db.raw("SELECT 1").run() }
    }

    public func close() async {
        await engine.close()
    }
}

public enum StoreError: Error, CustomStringConvertible, Equatable {
    case invalidURL(String, reason: String)
    case unreachable(location: String, reason: String)

    public var description: String {
        switch self {
        case .invalidURL(let url, let reason):
            "DATABASE_URL '\(url)' is not usable: \(reason). Use sqlite:///path/to/file.sqlite or postgres://user:password@host:5432/database."
        case .unreachable(let location, let reason):
            "cannot reach the database at \(location): \(reason)"
        }
    }
}

/// What a backend provides; `Store` is the only user.
protocol StoreEngine: Sendable {
    func withDatabase<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R
    func read<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R
    func transaction<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R
    func close() async
}
