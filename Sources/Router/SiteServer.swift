import AsyncHTTPClient
import FunctionKit
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// `lectern serve`: one HTTP server in front of the site and its functions.
///
/// - `/api/openapi.json` — the API description;
/// - `/api/<function>/…` — proxied to that function, never a static file;
/// - `/__lectern/events` — live reload (development);
/// - everything else — `dist/`, with gated lessons going through the access check.
public final class SiteServer: Sendable {
    public struct Options: Sendable {
        public var distDirectory: String
        public var privateDirectory: String
        public var openAPIDocument: String?
        public var host = "127.0.0.1"
        public var port = 8080
        public var functions: [FunctionSpec] = []
        /// The function asked for access decisions (`GET /api/<name>/check`).
        public var accessFunction = "access"
        public var deadline: Duration = .seconds(30)
        public var maxBodyBytes = 1024 * 1024
        public var liveReload = false
        public var runtimeDirectory: String
        /// A publishing remote's `previews/` folder: `Host: <branch>.preview.<domain>` serves
        /// `previews/<branch>/dist` (branch names with `/` become `-`).
        public var previewsDirectory: String?

        public init(distDirectory: String, privateDirectory: String, runtimeDirectory: String) {
            self.distDirectory = distDirectory
            self.privateDirectory = privateDirectory
            self.runtimeDirectory = runtimeDirectory
        }
    }

    public let options: Options
    public let supervisor: FunctionSupervisor
    public let liveReload: LiveReload
    let client: HTTPClient
    let logger: Logger
    /// Shared by the responder and the event-loop fast path: the responder fills the page memo
    /// the fast path answers from.
    let files: StaticFiles
    let previews: PreviewSites?
    let upstreams = UpstreamPool()

    public init(options: Options, logger: Logger = Logger(label: "lectern.router")) {
        self.options = options
        self.logger = logger
        // Redirects and compression pass through untouched: the browser, not the router, follows
        // a function's 303 and decodes its body.
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, decompression: .disabled)
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.supervisor = FunctionSupervisor(
            specs: options.functions, runtimeDirectory: options.runtimeDirectory, client: client, logger: logger)
        self.liveReload = LiveReload()
        self.files = StaticFiles(root: options.distDirectory)
        self.previews = options.previewsDirectory.map(PreviewSites.init(folder:))
    }

    /// The application to run; start the functions first with `supervisor.startAll()`.
    public func makeApplication(onServerRunning: @escaping @Sendable (Int?) async -> Void = { _ in }) -> some ApplicationProtocol {
        let responder = SiteResponder(server: self)
        let fastPath = FastPath(
            files: files, previews: previews, supervisor: supervisor, pool: upstreams,
            liveReload: options.liveReload,
            deadline: .nanoseconds(Int64(options.deadline.components.seconds) * 1_000_000_000
                + options.deadline.components.attoseconds / 1_000_000_000),
            maxBodyBytes: options.maxBodyBytes, logger: logger)
        return Application(
            responder: responder,
            server: .http1(configuration: .init(additionalChannelHandlers: [FastPathInstaller(fastPath)])),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "lectern"),
            services: [supervisor, ClientService(client: client, upstreams: upstreams)],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port) },
            logger: logger)
    }
}

/// Shuts the HTTP client and the function connections down after the server has stopped.
struct ClientService: Service {
    let client: HTTPClient
    let upstreams: UpstreamPool

    func run() async throws {
        try? await gracefulShutdown()
        upstreams.closeAll()
        try? await client.shutdown()
    }
}

struct SiteResponder: HTTPResponder {
    typealias Context = RouterContext
    let options: SiteServer.Options
    let files: StaticFiles
    let previews: PreviewSites?
    let privateFiles: StaticFiles
    let gate: AccessGate
    let liveReload: LiveReload
    let logger: Logger

    init(server: SiteServer) {
        options = server.options
        files = server.files
        previews = server.previews
        privateFiles = StaticFiles(root: server.options.privateDirectory)
        gate = AccessGate(
            manifest: ManifestFile(path: server.options.privateDirectory + "/manifest.json", recheckInterval: .milliseconds(500)),
            privateDirectory: server.options.privateDirectory, supervisor: server.supervisor,
            client: server.client, function: server.options.accessFunction, logger: server.logger)
        liveReload = server.liveReload
        logger = server.logger
    }

    func respond(to request: Request, context: RouterContext) async throws -> Response {
        let requestID = Self.requestID(request)
        let path = request.uri.path
        // Route on the decoded path, so `/%61pi/…` is an API path too and never a static file.
        let routing = StaticFiles.decodedPath(path) ?? path
        var response: Response
        if routing == "/api" || routing.hasPrefix("/api/") {
            response = await api(request, path: routing, requestID: requestID)
        } else if options.liveReload, path == "/__lectern/events" {
            response = events()
        } else {
            response = await site(request, path: path, requestID: requestID)
        }
        response.headers[.xRequestID] = requestID
        return response
    }

    private func api(_ request: Request, path: String, requestID: String) async -> Response {
        do {
            if path == "/api/openapi.json" {
                guard request.method == .get || request.method == .head else {
                    throw APIError(.methodNotAllowed, code: "method_not_allowed", message: "Use GET.")
                }
                guard let document = options.openAPIDocument else { throw APIError.notFound() }
                return files.respond(file: document, urlPath: path, request: request,
                                     extra: [(.cacheControl, "no-cache"), (.accessControlAllowOrigin, "*")])
            }
            let segments = path.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
            guard segments.count >= 3, !segments[2].isEmpty else {
                throw APIError.notFound("Name a function: /api/<function>/…")
            }
            // A known function's requests are forwarded by `FastPathHandler` before they get here.
            let name = String(segments[2].prefix { $0 != "/" })
            throw APIError.notFound("No function is called '\(name)'.")
        } catch let error as APIError {
            return Self.json(error)
        } catch {
            logger.error("router error", metadata: ["error": "\(error)", "request_id": "\(requestID)"])
            return Self.json(.internalError)
        }
    }

    private func site(_ request: Request, path: String, requestID: String) async -> Response {
        guard request.method == .get || request.method == .head else {
            return Response(status: .methodNotAllowed, headers: [.allow: "GET, HEAD"])
        }
        if let previews, let preview = previews.site(forHost: request.head.authority.map { String($0.prefix { $0 != ":" }) }) {
            // A preview is a plain static copy: no gating (it has no private output served), never indexed.
            guard let decoded = StaticFiles.decodedPath(path) else { return Response(status: .badRequest) }
            var response: Response
            switch preview.lookup(decoded) {
            case .file(let file, let stamp): response = preview.respond(file: file, stamp: stamp, urlPath: path, request: request)
            case .redirect: response = Response(status: .movedPermanently, headers: [.location: "/" + path.drop { $0 == "/" } + "/"])
            case .notFound: response = preview.notFound(request: request)
            }
            response.headers[.xRobotsTag] = "noindex"
            return response
        }
        if options.liveReload, let error = liveReload.currentError {
            return Response(status: .internalServerError,
                            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: LiveReload.errorPage(error)))
        }
        // The hot path: a public page already served once, unchanged since.
        if !options.liveReload, request.method == .get, request.headers[.ifNoneMatch] == nil,
           request.headers[.range] == nil,
           let response = files.memoised(path) {
            return response
        }
        let transform: ((ByteBuffer) -> ByteBuffer)? = options.liveReload ? { LiveReload.inject(into: $0) } : nil
        guard let decoded = StaticFiles.decodedPath(path) else {
            return Response(status: .badRequest, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "Bad path\n")))
        }
        var lookup = files.lookup(decoded)
        if case .notFound = lookup, let outcome = files.redirectRules().match(decoded) {
            switch outcome {
            case .redirect(let location, let status):
                return Response(status: .init(code: status), headers: [.location: location, .cacheControl: "public, max-age=300"])
            case .rewrite(let target):
                lookup = StaticFiles.decodedPath(target).map(files.lookup) ?? .notFound
            }
        }
        switch lookup {
        case .notFound:
            return files.notFound(request: request)
        case .redirect:
            // From the raw (still percent-encoded) path, with one leading slash: `//about`
            // must not become `//about/`, which a browser reads as another host.
            let location = "/" + path.drop { $0 == "/" } + "/"
            let query = request.uri.query.map { "?" + $0 } ?? ""
            return Response(status: .movedPermanently, headers: [.location: location + query])
        case .file(let file, let stamp):
            guard let gated = gate.gate(for: decoded), let privatePath = gated.privatePath else {
                return files.respond(file: file, stamp: stamp, urlPath: path, request: request,
                                     transform: transform.flatMap { t in file.hasSuffix(".html") ? t : nil },
                                     memoKey: path)
            }
            // A gated page depends on who asks: never cached by a shared cache.
            let personal: [(HTTPField.Name, String)] = [(.cacheControl, "private, no-store"), (.vary, "Cookie")]
            switch await gate.decide(path: decoded, request: request, requestID: requestID) {
            case .allow:
                return privateFiles.respond(file: options.privateDirectory + "/" + privatePath, urlPath: path,
                                            request: request, extra: personal, transform: transform)
            case .deny(_, let reason):
                return files.respond(file: file, urlPath: path, request: request,
                                     extra: personal + [(.xLecternAccess, reason)], transform: transform)
            case .unavailable:
                return Response(status: .serviceUnavailable,
                                headers: [.contentType: "text/html; charset=utf-8", .retryAfter: "5", .cacheControl: "no-store"],
                                body: .init(byteBuffer: ByteBuffer(string: Self.unavailablePage)))
            }
        }
    }

    private func events() -> Response {
        // Ends at graceful shutdown: an open tab must not keep `serve` from stopping.
        let stream = liveReload.events().cancelOnGracefulShutdown().map { ByteBuffer(string: $0) }
        return Response(status: .ok,
                         headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                         body: ResponseBody(asyncSequence: stream))
    }

    static func json(_ error: APIError) -> Response {
        Response(status: error.status, headers: jsonFields(error), body: .init(byteBuffer: ByteBuffer(string: error.jsonBody)))
    }

    /// The header fields of a JSON error answer (also `FastPathHandler`'s).
    static func jsonFields(_ error: APIError) -> HTTPFields {
        var headers = error.headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return headers
    }

    static func requestID(_ request: Request) -> String {
        requestID(incoming: request.headers[.xRequestID])
    }

    /// A well-formed incoming `X-Request-Id`, else a new one.
    static func requestID(incoming: String?) -> String {
        if let incoming, RequestIDMiddleware.isWellFormed(incoming) { return incoming }
        return RequestID().description
    }

    static let unavailablePage = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Temporarily unavailable</title>
        <meta name="viewport" content="width=device-width, initial-scale=1"></head>
        <body><h1>This lesson is temporarily unavailable</h1>
        <p>We could not check your access just now. Reload the page in a few seconds.</p></body></html>
        """
}

/// The preview sites of a publishing remote, one `StaticFiles` per branch, picked by host name.
final class PreviewSites: Sendable {
    let folder: String
    private let sites = Mutex<[String: StaticFiles]>([:])

    init(folder: String) {
        self.folder = folder
    }

    /// `feature-x.preview.example.com` → the `feature-x` preview, when it exists.
    func site(forHost host: String?) -> StaticFiles? {
        guard let host, let range = host.range(of: ".preview.") else { return nil }
        let name = String(host[..<range.lowerBound]).lowercased()
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }),
              !name.contains(".."), FileManager.default.fileExists(atPath: folder + "/" + name + "/dist") else { return nil }
        return sites.withLock { sites in
            if let site = sites[name] { return site }
            let site = StaticFiles(root: folder + "/" + name + "/dist")
            sites[name] = site
            return site
        }
    }
}

extension HTTPField.Name {
    static let xRobotsTag = Self("X-Robots-Tag")!
    static let xLecternAccess = Self("X-Lectern-Access")!
}
