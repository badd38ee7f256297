import AsyncHTTPClient
import Foundation
import NIOCore
import Router
import SiteBuild
import Store
import Synchronization
import Testing

/// The demo site, built once per test run into a temporary folder, plus a few files the static
/// tests need (a byte-range file, a precompressed pair, a page under `dist/api/`).
struct DemoSite: Sendable {
    let directory: String
    var dist: String { directory + "/dist" }
    var privateDirectory: String { directory + "/private" }

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static let paidLesson = "/courses/ai-marketing/results-and-responsibility/seo-content/"
    static let freeLesson = "/courses/ai-marketing/foundations/how-llms-write/"
    /// In the paid lesson's private page and nowhere in its public teaser.
    static let privateOnlyText = "It has never been cheaper to publish"
    /// Text of the static page planted at `dist/api/x/index.html`.
    static let apiDecoyText = "static decoy under api"
    static let rangeFile = "/files/range.bin"
    static let rangeBytes: [UInt8] = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
    static let precompressed = "/files/notes.txt"
    static let identityText = "identity body of notes.txt\n"
    /// Not real gzip: the router serves the variant's bytes untouched, so a marker is enough.
    static let gzipBytes: [UInt8] = [0x1f, 0x8b] + Array("GZIP-VARIANT".utf8)

    private static let built = Result { try DemoSite.build() }

    static func shared() throws -> DemoSite { try built.get() }

    private static func build() throws -> DemoSite {
        let directory = Scratch.folder("site")
        for folder in ["content", "layouts", "static"] {
            try FileManager.default.copyItem(atPath: repositoryRoot + "/" + folder, toPath: directory + "/" + folder)
        }
        let report = SiteBuilder(options: BuildOptions(siteDirectory: directory, incremental: false)).run(BuildPipeline.build)
        guard report.succeeded else {
            throw FixtureError("the demo site did not build: \(report.diagnostics.map(\.description))")
        }
        let site = DemoSite(directory: directory)
        try site.write("dist/api/x/index.html", Array("<!doctype html><p>\(apiDecoyText)</p>".utf8))
        try site.write("dist" + rangeFile, rangeBytes)
        try site.write("dist" + precompressed, Array(identityText.utf8))
        try site.write("dist" + precompressed + ".gz", gzipBytes)
        return site
    }

    func write(_ path: String, _ bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: directory + "/" + path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + path)))
    }

    /// The fingerprinted stylesheet's URL path (`/assets/site.<hash>.css`).
    func stylesheet() throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: dist + "/assets")
        guard let css = names.first(where: { $0.hasSuffix(".css") }) else { throw FixtureError("no stylesheet in dist/assets") }
        return "/assets/" + css
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Short temporary folders (Unix socket paths must stay under 108 bytes), removed at exit.
enum Scratch {
    private static let created = Mutex<[String]>([])
    private static let cleanup: Void = {
        atexit {
            for folder in Scratch.created.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: folder) }
        }
    }()

    static func folder(_ label: String) -> String {
        _ = cleanup
        let path = "/tmp/lrt-\(label)-" + UUID().uuidString.prefix(8).lowercased()
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        created.withLock { $0.append(path) }
        return path
    }
}

/// A function for a test router: the real binaries, or a small Python stand-in whose behaviour a
/// test chooses (the real access function cannot allow a paid lesson yet).
enum TestFunction: Sendable {
    case leads(rateLimit: String = "off")
    case access
    case fake(name: String, behaviour: FakeBehaviour, sleepSeconds: Int = 6, environment: [String: String] = [:])
}

enum FakeBehaviour: String, Sendable {
    /// 204 to everything: an access check that allows.
    case allow
    /// 500 with a JSON error.
    case error
    /// 401 `sign_in_required`.
    case deny
    /// Sleeps, then 204.
    case sleep
    /// 200 with the request it received as JSON, plus hop-by-hop response headers.
    case echo
    /// Exits at once with status 3: a function that never comes up.
    case exit
}

/// A `SiteServer` on a free port with its functions, and a client to talk to it.
final class RunningRouter: Sendable {
    let server: SiteServer
    let port: Int
    let client: HTTPClient
    let folder: String
    let site: DemoSite
    private let task: Task<Void, any Error>

    var databasePath: String { folder + "/test.sqlite" }

    private init(server: SiteServer, port: Int, client: HTTPClient, folder: String, site: DemoSite, task: Task<Void, any Error>) {
        self.server = server
        self.port = port
        self.client = client
        self.folder = folder
        self.site = site
        self.task = task
    }

    static func start(
        functions: [TestFunction], configure: (inout SiteServer.Options) -> Void
    ) async throws -> RunningRouter {
        let site = try DemoSite.shared()
        let folder = Scratch.folder("run")
        var options = SiteServer.Options(
            distDirectory: site.dist, privateDirectory: site.privateDirectory, runtimeDirectory: folder + "/run")
        options.host = "127.0.0.1"
        options.port = 0
        options.functions = try functions.map { try spec(for: $0, folder: folder, site: site) }
        configure(&options)

        let server = SiteServer(options: options)
        try await server.supervisor.startAll()
        let (ports, announce) = AsyncStream.makeStream(of: Int?.self)
        let app = server.makeApplication { port in announce.yield(port) }
        let task = Task {
            defer { announce.finish() }
            try await app.run()
        }
        let port: Int? = try? await withTimeout("the router to listen") {
            var iterator = ports.makeAsyncIterator()
            return await iterator.next() ?? nil
        }
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, decompression: .disabled)
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let router = RunningRouter(server: server, port: port ?? 0, client: client, folder: folder, site: site, task: task)
        guard port != nil else {
            await router.stop()
            throw FixtureError("the router did not report a port")
        }
        return router
    }

    private static func spec(for function: TestFunction, folder: String, site: DemoSite) throws -> FunctionSpec {
        var environment = [
            "DATABASE_URL": "sqlite://\(folder)/test.sqlite",
            "LECTERN_PRIVATE_DIR": site.privateDirectory,
            "LECTERN_ENV": "development",
            "LECTERN_DOTENV": "/nonexistent",
            "LECTERN_RATE_LIMIT": "off",
            "LOG_LEVEL": "error",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
        switch function {
        case .leads(let rateLimit):
            environment["LECTERN_RATE_LIMIT"] = rateLimit
            return FunctionSpec(name: "leads", executable: try binary("leads"), environment: environment, workingDirectory: folder)
        case .access:
            return FunctionSpec(name: "access", executable: try binary("access"), environment: environment, workingDirectory: folder)
        case .fake(let name, let behaviour, let sleepSeconds, let extra):
            environment["FAKE_MODE"] = behaviour.rawValue
            environment["FAKE_SLEEP"] = String(sleepSeconds)
            environment.merge(extra) { $1 }
            return FunctionSpec(name: name, executable: try FakeFunction.script(), environment: environment, workingDirectory: folder)
        }
    }

    /// The function binaries are built beside the test bundle (`swift build --build-tests`).
    static func binary(_ name: String) throws -> String {
        var folders: [String] = []
        if let executable = Bundle.main.executablePath {
            folders.append(URL(fileURLWithPath: executable).deletingLastPathComponent().path)
        }
        folders.append(DemoSite.repositoryRoot + "/.build/debug")
        guard let folder = folders.first(where: { FileManager.default.isExecutableFile(atPath: $0 + "/" + name) }) else {
            throw FixtureError("no '\(name)' binary in \(folders); run `swift build --build-tests` first")
        }
        return folder + "/" + name
    }

    /// Stops the client, the functions and the server, and removes the run folder.
    func stop() async {
        try? await client.shutdown()
        await server.supervisor.stopAll()
        task.cancel()
        let task = self.task
        let finished = await firstOf({ _ = await task.result; return true }, or: .seconds(20))
        if !finished { Issue.record("the router did not stop within 20 s") }
        try? FileManager.default.removeItem(atPath: folder)
    }

    // MARK: Requests

    func get(_ path: String, headers: [(String, String)] = []) async throws -> Reply {
        try await send("GET", path, headers: headers)
    }

    func postJSON(_ path: String, _ json: String, headers: [(String, String)] = []) async throws -> Reply {
        try await send("POST", path, headers: [("Content-Type", "application/json")] + headers, body: Array(json.utf8))
    }

    func postForm(_ path: String, _ form: String) async throws -> Reply {
        try await send("POST", path, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8))
    }

    func send(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8]? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .init(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        return try await execute(request)
    }

    func execute(_ request: HTTPClientRequest) async throws -> Reply {
        let response = try await client.execute(request, timeout: .seconds(20))
        let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Reply(status: Int(response.status.code),
                     headers: response.headers.map { ($0.name, $0.value) },
                     body: Array(buffer: body))
    }

    /// A JSON lead sign-up.
    func signUp(_ email: String, headers: [(String, String)] = []) async throws -> Reply {
        try await postJSON("/api/leads", #"{"email":"\#(email)","consent":true,"source":"/"}"#, headers: headers)
    }

    /// The emails in the leads table, read straight from the SQLite file.
    func storedLeadEmails() async throws -> Set<String> {
        let store = try await Store.open(try DatabaseURL("sqlite://" + databasePath))
        do {
            let emails = try await store.withDatabase { db in
                try await db.raw("SELECT email FROM leads").all().map { try $0.decode(column: "email", as: String.self) }
            }
            await store.close()
            return Set(emails)
        } catch {
            await store.close()
            throw error
        }
    }
}

/// Runs `body` against a fresh router and always stops it (functions included) afterwards.
func withRouter<R>(
    functions: [TestFunction] = [],
    configure: (inout SiteServer.Options) -> Void = { _ in },
    _ body: (RunningRouter) async throws -> R
) async throws -> R {
    let router = try await RunningRouter.start(functions: functions, configure: configure)
    do {
        let result = try await body(router)
        await router.stop()
        return result
    } catch {
        await router.stop()
        throw error
    }
}

/// One HTTP response, fully read.
struct Reply: Sendable, CustomStringConvertible {
    let status: Int
    let headers: [(String, String)]
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    func has(_ name: String) -> Bool { header(name) != nil }

    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    /// `error.code` of the JSON error shape.
    var errorCode: String? { (json?["error"] as? [String: Any])?["code"] as? String }
    var errorField: String? { (json?["error"] as? [String: Any])?["field"] as? String }

    var isJSON: Bool { header("Content-Type")?.hasPrefix("application/json") == true && json != nil }

    var description: String {
        "\(status) \(headers.map { "\($0.0): \($0.1)" }.joined(separator: "; ")) — \(text.prefix(300))"
    }
}
