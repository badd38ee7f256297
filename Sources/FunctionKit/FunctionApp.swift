import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Logging
import ServiceLifecycle
import Store

/// What a function's route-building code gets: its config, the store, a logger, and the shared
/// middleware it may put on single routes.
public struct FunctionEnvironment: Sendable {
    public let config: FunctionConfig
    public let store: Store
    public let logger: Logger
    public let rateLimiter: RateLimiter?
    /// Register work to run beside the server (see `BackgroundWork`).
    public let background: BackgroundWork

    /// Throws 429 when the client is over the limit; does nothing when limiting is off.
    public func checkRateLimit(_ context: FunctionContext, bucket: String) throws {
        guard let rateLimiter, let wait = rateLimiter.take("\(bucket) \(context.clientAddress)") else { return }
        throw APIError.rateLimited(retryAfter: wait)
    }

    /// For admin routes: throws 403 unless the client is on the admin allow-list (when one is
    /// configured).
    public func requireAdminAddress(_ context: FunctionContext) throws {
        guard let allowed = config.adminAllowList, !IPAllowListMiddleware.matches(context.clientAddress, allowed) else { return }
        throw APIError(.forbidden, code: "address_not_allowed", message: "This admin route is not available from your address.")
    }
}

/// Builds every function the same way: store opened and migrated before anything listens, the
/// shared middleware, `/healthz` and `/metrics`, then the function's own routes.
public enum FunctionApp {
    /// Opens the store, applies the function's migrations, and builds the application.
    public static func build(
        config: FunctionConfig,
        migrations: MigrationSet?,
        routes addRoutes: (FunctionRoutes, FunctionEnvironment) throws -> Void
    ) async throws -> some ApplicationProtocol {
        try await build(config: config, migrationSets: migrations.map { [$0] } ?? [], routes: addRoutes)
    }

    /// The same, for a function that also needs tables another function owns (the accounts'
    /// `users`, say): every set is applied in order, each version once whoever gets there first.
    public static func build(
        config: FunctionConfig,
        migrationSets: [MigrationSet],
        routes addRoutes: (FunctionRoutes, FunctionEnvironment) throws -> Void
    ) async throws -> some ApplicationProtocol {
        var logger = Logger(label: "lectern.\(config.name)")
        logger[metadataKey: "function"] = .string(config.name)
        let store = try await Store.open(config.database, logger: logger)
        do {
            if !migrationSets.isEmpty {
                try await Migrator(store: store, logger: logger).migrate(migrationSets)
            }
            let (router, routes) = try makeRouter(config: config, store: store, logger: logger, routes: addRoutes)
            let address: BindAddress = switch config.listen {
            case .port(let host, let port): .hostname(host, port: port)
            case .unixSocket(let path): .unixDomainSocket(path: path)
            }
            if case .unixSocket(let path) = config.listen { unlink(path) }
            return Application(
                router: router,
                configuration: .init(address: address, serverName: "lectern-\(config.name)"),
                // Services stop in reverse order: the background work before the store closes.
                services: [StoreService(store: store), BackgroundService(work: routes.background)],
                logger: logger)
        } catch {
            await store.close()
            throw error
        }
    }

    /// The router alone, for tests that drive routes without a socket and for the OpenAPI check.
    public static func makeRouter(
        config: FunctionConfig, store: Store, logger: Logger,
        routes addRoutes: (FunctionRoutes, FunctionEnvironment) throws -> Void
    ) throws -> (Router<FunctionContext>, FunctionRoutes) {
        let router = Router(context: FunctionContext.self)
        router.add(middleware: RequestIDMiddleware(trustedProxies: config.trustedProxies))
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ErrorMiddleware())
        if !config.corsOrigins.isEmpty {
            router.add(middleware: CORSAllowListMiddleware(origins: config.corsOrigins))
        }
        router.add(middleware: BodyLimitMiddleware(limit: config.maxBodyBytes))
        _ = FunctionMetrics.registry

        let routes = FunctionRoutes(router: router)
        routes.on(.get, "/healthz") { _, context -> Response in
            do {
                try await store.ping()
            } catch {
                context.logger.error("health check failed", metadata: ["error": "\(error)"])
                throw APIError(.serviceUnavailable, code: "database_unavailable", message: "The database does not answer.")
            }
            return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok","database":"ok"}"#)))
        }
        routes.on(.get, "/metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: FunctionMetrics.exposition())))
        }
        let environment = FunctionEnvironment(
            config: config, store: store, logger: logger,
            rateLimiter: config.rateLimitPerMinute.map { RateLimiter(perMinute: $0) }, background: routes.background)
        try addRoutes(routes, environment)
        return (router, routes)
    }
}

/// Runs the function's background work until shutdown, then cancels it.
struct BackgroundService: Service {
    let work: BackgroundWork

    func run() async throws {
        let jobs = work.jobs
        guard !jobs.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        try await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for job in jobs { group.addTask { await job() } }
            }
        }
    }
}

/// Closes the store after the server has stopped (services stop in reverse order).
struct StoreService: Service {
    let store: Store

    func run() async throws {
        try? await gracefulShutdown()
        await store.close()
    }
}

/// The whole `main` of a function binary: read the config, set up logging, build, serve until
/// SIGTERM/SIGINT (in-flight requests finish first). A bad setting exits with status 78
/// (EX_CONFIG) and names the variable.
public enum FunctionMain {
    public static func run<App: ApplicationProtocol>(
        name: String,
        build: (FunctionConfig) async throws -> App
    ) async {
        let config: FunctionConfig
        do {
            config = try FunctionConfig.fromEnvironment(name: name)
        } catch {
            FileHandle.standardError.write(Data("\(name): configuration error: \(error)\n".utf8))
            exit(78)
        }
        FunctionLogging.bootstrap(mode: config.mode)
        watchParent()
        do {
            let app = try await build(config)
            try await app.runService()
        } catch {
            FileHandle.standardError.write(Data("\(name): \(error)\n".utf8))
            exit(1)
        }
    }

    /// Under the router, exit when the router is gone (even after a SIGKILL, which gives it no
    /// chance to stop its children), so no orphan keeps the socket or the database open.
    static func watchParent() {
        guard let text = ProcessInfo.processInfo.environment["LECTERN_PARENT_PID"], let parent = Int32(text) else { return }
        Thread.detachNewThread {
            while getppid() == parent { usleep(200_000) }
            exit(0)
        }
    }
}
