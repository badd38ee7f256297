import Logging
import PostgresKit
import SQLKit

/// PostgreSQL through PostgresNIO's connection pool (`PostgresClient`).
final class PostgresEngine: StoreEngine {
    private let client: PostgresClient
    private let runner: Task<Void, Never>

    init(configuration: SQLPostgresConfiguration, logger: Logger) {
        let core = configuration.coreConfiguration
        var clientConfiguration: PostgresClient.Configuration
        if let host = core.host, let port = core.port {
            let tls: PostgresClient.Configuration.TLS =
                switch (core.tls.isEnforced, core.tls.isAllowed) {
                case (true, _): .require(core.tls.sslContext!.configuration)
                case (_, true): .prefer(core.tls.sslContext!.configuration)
                default: .disable
                }
            clientConfiguration = .init(
                host: host, port: port, username: core.username, password: core.password,
                database: core.database, tls: tls)
        } else {
            clientConfiguration = .init(
                unixSocketPath: core.unixSocketPath ?? "/var/run/postgresql/.s.PGSQL.5432",
                username: core.username, password: core.password, database: core.database)
        }
        clientConfiguration.options.maximumConnections = 16
        let client = PostgresClient(configuration: clientConfiguration, backgroundLogger: logger)
        self.client = client
        // The pool lives as long as the store: `close()` cancels this task, which drains it.
        self.runner = Task { await client.run() }
    }

    func withDatabase<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await client.withConnection { connection in
            try await body(connection.sql(queryLogLevel: .trace))
        }
    }

    /// The pool already runs reads beside writes.
    func read<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await withDatabase(body)
    }

    func transaction<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await client.withConnection { connection in
            let database = connection.sql(queryLogLevel: .trace)
            try await database.raw("BEGIN").run()
            do {
                let result = try await body(database)
                try await database.raw("COMMIT").run()
                return result
            } catch {
                try? await database.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    func close() async {
        runner.cancel()
        await runner.value
    }
}
