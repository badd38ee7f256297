@testable import FunctionKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Store
import Testing

@Suite struct FunctionKitTests {
    struct Boom: Error { let secret = "password=hunter2 at /srv/app/Secret.swift:12" }

    /// An application with one route per behaviour under test.
    static func app(database: String, extra: [String: String] = [:]) async throws -> some ApplicationProtocol {
        let config = try FunctionTestSupport.config(name: "probe", database: database, extra: extra)
        return try await FunctionApp.build(config: config, migrations: nil) { routes, environment in
            routes.on(.get, "/api/probe/boom") { _, _ -> String in throw Boom() }
            routes.on(.get, "/api/probe/id") { _, context -> String in context.requestID }
            routes.on(.post, "/api/probe/echo") { request, _ -> String in
                String(buffer: try await request.collectBody(limit: environment.config.maxBodyBytes))
            }
            routes.on(.get, "/api/probe/admin") { _, context -> String in
                try environment.requireAdminAddress(context)
                return "admin"
            }
        }
    }

    @Test func healthzChecksTheDatabase() async throws {
        try await FunctionTestSupport.withDatabase(.sqlite) { database in
            try await Self.app(database: database).test(.router) { client in
                let response = try await client.execute(uri: "/healthz", method: .get)
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ok","database":"ok"}"#)
            }
        }
    }

    @Test func unexpectedErrorsBecomeA500WithoutDetails() async throws {
        try await FunctionTestSupport.withDatabase(.sqlite) { database in
            try await Self.app(database: database).test(.router) { client in
                let response = try await client.execute(uri: "/api/probe/boom", method: .get)
                #expect(response.status == .internalServerError)
                let body = String(buffer: response.body)
                #expect(!body.contains("hunter2") && !body.contains("Swift") && !body.contains("Boom"))
                #expect(try ErrorBody(response).error.code == "internal_error")
                #expect(response.headers[.xRequestID] != nil)

                let missing = try await client.execute(uri: "/api/probe/nothing-here", method: .get)
                #expect(missing.status == .notFound)
                #expect(try ErrorBody(missing).error.code == "not_found")
            }
        }
    }

    @Test func everyResponseCarriesARequestID() async throws {
        try await FunctionTestSupport.withDatabase(.sqlite) { database in
            try await Self.app(database: database).test(.router) { client in
                let first = try await client.execute(uri: "/api/probe/id", method: .get)
                let second = try await client.execute(uri: "/api/probe/id", method: .get)
                let id = try #require(first.headers[.xRequestID])
                #expect(String(buffer: first.body) == id)
                #expect(second.headers[.xRequestID] != id)
                // Test requests have no peer address, so an incoming id is not trusted here;
                // a malformed one never is.
                let spoofed = try await client.execute(uri: "/api/probe/id", method: .get, headers: [.xRequestID: "bad id\twith tabs"])
                #expect(spoofed.headers[.xRequestID] != "bad id\twith tabs")
            }
        }
    }

    @Test func bodyLimitIs413() async throws {
        try await FunctionTestSupport.withDatabase(.sqlite) { database in
            try await Self.app(database: database, extra: ["MAX_BODY_BYTES": "100"]).test(.router) { client in
                let small = try await client.execute(uri: "/api/probe/echo", method: .post, body: ByteBuffer(string: "hello"))
                #expect(String(buffer: small.body) == "hello")
                let large = try await client.execute(uri: "/api/probe/echo", method: .post, body: ByteBuffer(string: String(repeating: "x", count: 101)))
                #expect(large.status == .contentTooLarge)
                #expect(try ErrorBody(large).error.code == "body_too_large")
            }
        }
    }

    @Test func corsOnlyForListedOrigins() async throws {
        try await FunctionTestSupport.withDatabase(.sqlite) { database in
            try await Self.app(database: database, extra: ["CORS_ORIGINS": "https://app.example.com"]).test(.router) { client in
                let allowed = try await client.execute(uri: "/api/probe/id", method: .get, headers: [.origin: "https://app.example.com"])
                #expect(allowed.headers[.accessControlAllowOrigin] == "https://app.example.com")
                let other = try await client.execute(uri: "/api/probe/id", method: .get, headers: [.origin: "https://evil.example"])
                #expect(other.headers[.accessControlAllowOrigin] == nil)
                let preflight = try await client.execute(uri: "/api/probe/echo", method: .options,
                    headers: [.origin: "https://app.example.com", .accessControlRequestMethod: "POST"])
                #expect(preflight.status == .noContent)
                #expect(preflight.headers[.accessControlAllowMethods]?.contains("POST") == true)
            }
            // None by default.
            try await Self.app(database: database).test(.router) { client in
                let response = try await client.execute(uri: "/api/probe/id", method: .get, headers: [.origin: "https://app.example.com"])
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }

    @Test func adminRoutesHonourTheAllowList() async throws {
        try await FunctionTestSupport.withDatabase(.sqlite) { database in
            try await Self.app(database: database, extra: ["ADMIN_ALLOW_IPS": "10.0.0.1"]).test(.router) { client in
                let response = try await client.execute(uri: "/api/probe/admin", method: .get)
                #expect(response.status == .forbidden)
                #expect(try ErrorBody(response).error.code == "address_not_allowed")
            }
            try await Self.app(database: database).test(.router) { client in
                let response = try await client.execute(uri: "/api/probe/admin", method: .get)
                #expect(response.status == .ok)
            }
        }
        #expect(IPAllowListMiddleware.matches("10.1.2.3", ["10."]))
        #expect(!IPAllowListMiddleware.matches("110.1.2.3", ["10."]))
        #expect(IPAllowListMiddleware.matches("127.0.0.1", ["127.0.0.1"]))
    }

    // Live: Hummingbird records a request's metrics after its body is written to a socket.
    @Test func metricsArePrometheusTextWithPerRouteCountsAndHistograms() async throws {
        try await FunctionTestSupport.withDatabase(.sqlite) { database in
            try await Self.app(database: database).test(.live) { client in
                for _ in 0..<3 { _ = try await client.execute(uri: "/api/probe/id", method: .get) }
                let response = try await client.execute(uri: "/metrics", method: .get)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = String(buffer: response.body)
                let countLine = text.split(separator: "\n").first { $0.hasPrefix("hb_requests{") && $0.contains("/api/probe/id") }
                #expect(countLine.map { Int($0.split(separator: " ").last ?? "") ?? 0 >= 3 } == true, "\(text.prefix(2000))")
                #expect(text.contains("http_server_request_duration_bucket{"))
                #expect(text.contains("# TYPE http_server_request_duration histogram"))
            }
        }
    }

    @Test func configErrorsNameTheVariable() {
        func error(_ environment: [String: String]) -> String {
            do {
                _ = try FunctionConfig.fromEnvironment(name: "x", environment: environment.merging(["LECTERN_DOTENV": "/nonexistent"]) { $1 })
                return ""
            } catch {
                return String(describing: error)
            }
        }
        #expect(error(["PORT": "http"]).hasPrefix("PORT:"))
        #expect(error(["DATABASE_URL": "mysql://x"]).hasPrefix("DATABASE_URL:"))
        #expect(error(["SITE_URL": "example.com"]).hasPrefix("SITE_URL:"))
        #expect(error(["LECTERN_ENV": "staging"]).hasPrefix("LECTERN_ENV:"))
        #expect(error(["MAX_BODY_BYTES": "-1"]).hasPrefix("MAX_BODY_BYTES:"))
        #expect(error(["LECTERN_RATE_LIMIT": "lots"]).hasPrefix("LECTERN_RATE_LIMIT:"))
        #expect(error(["SOCKET_PATH": "/tmp/x.sock"]) == "")
    }

    @Test func dotEnvFillsOnlyWhatTheEnvironmentLeavesUnsetInDevelopment() throws {
        let folder = FunctionTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/.env"
        try """
            # settings for development
            export SITE_URL="https://dev.example.com"
            PORT=9000 # a comment
            CORS_ORIGINS='http://a.test, http://b.test'
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let development = try FunctionConfig.fromEnvironment(name: "x", environment: ["LECTERN_DOTENV": path, "PORT": "9100"])
        #expect(development.siteURL == "https://dev.example.com")
        #expect(development.listen == .port(host: "127.0.0.1", port: 9100))
        #expect(development.corsOrigins == ["http://a.test", "http://b.test"])
        let production = try FunctionConfig.fromEnvironment(name: "x", environment: ["LECTERN_DOTENV": path, "LECTERN_ENV": "production"])
        #expect(production.siteURL == "http://localhost:8080")

        #expect(throws: DotEnv.ParseError.self) { try DotEnv.parse("JUST A LINE", path: ".env") }
        do {
            _ = try DotEnv.parse("A=1\nB=\"open", path: ".env")
        } catch let error as DotEnv.ParseError {
            #expect(error.description == ".env:2: unterminated \" quote")
        }
    }

    @Test func rateLimiterRefills() {
        let limiter = RateLimiter(perMinute: 60)
        for _ in 0..<60 { #expect(limiter.take("a", now: 1000) == nil) }
        #expect(limiter.take("a", now: 1000) == 1)
        #expect(limiter.take("b", now: 1000) == nil)
        #expect(limiter.take("a", now: 1001.5) == nil)
    }

    @Test func jsonLogLinesAreValidJSON() throws {
        let rendered = JSONLogHandler.render(.dictionary(["a": .string("x\"y\n"), "b": .array([.stringConvertible(3)])]))
        let object = try JSONSerialization.jsonObject(with: Data(rendered.utf8)) as? [String: Any]
        #expect(object?["a"] as? String == "x\"y\n")
    }
}
