import Foundation
import Store

/// Everything a function reads from its environment, checked once at start-up so a mistake is
/// reported by variable name before anything listens.
public struct FunctionConfig: Sendable {
    public enum Mode: String, Sendable {
        case development, production
    }

    public enum Listen: Sendable, Equatable {
        case port(host: String, port: Int)
        case unixSocket(path: String)
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let variable: String
        public let message: String
        public var description: String { "\(variable): \(message)" }

        public init(variable: String, message: String) {
            self.variable = variable
            self.message = message
        }
    }

    /// The function's name (`leads`); labels logs and metrics.
    public var name: String
    public var mode: Mode
    public var listen: Listen
    public var database: DatabaseURL
    /// The public site's URL: links in emails and redirects are built from it, never from `Host`.
    public var siteURL: String
    /// The build's private output (manifest, gated pages).
    public var privateDirectory: String
    /// Origins allowed to call cross-site (CORS); none by default.
    public var corsOrigins: [String]
    /// When set, admin routes answer only to these addresses or prefixes (`127.0.0.1`, `10.`).
    public var adminAllowList: [String]?
    public var maxBodyBytes: Int
    /// Requests per minute per client address on rate-limited routes; nil turns limiting off.
    public var rateLimitPerMinute: Int?
    /// Addresses whose `X-Forwarded-For` is believed (the router, a local nginx).
    public var trustedProxies: [String]
    /// Everything else, for function-specific settings.
    public var environment: [String: String]

    public init(
        name: String, mode: Mode = .development, listen: Listen = .port(host: "127.0.0.1", port: 8081),
        database: DatabaseURL, siteURL: String = "http://localhost:8080", privateDirectory: String = "private",
        corsOrigins: [String] = [], adminAllowList: [String]? = nil, maxBodyBytes: Int = 64 * 1024,
        rateLimitPerMinute: Int? = 30, trustedProxies: [String] = ["127.0.0.1", "::1"],
        environment: [String: String] = [:]
    ) {
        self.name = name
        self.mode = mode
        self.listen = listen
        self.database = database
        self.siteURL = siteURL
        self.privateDirectory = privateDirectory
        self.corsOrigins = corsOrigins
        self.adminAllowList = adminAllowList
        self.maxBodyBytes = maxBodyBytes
        self.rateLimitPerMinute = rateLimitPerMinute
        self.trustedProxies = trustedProxies
        self.environment = environment
    }

    /// Reads the process environment; in development (`LECTERN_ENV` unset or `development`) a
    /// `.env` file in the working directory fills in what the environment leaves unset.
    public static func fromEnvironment(name: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> FunctionConfig {
        var env = environment
        let mode = try parseMode(env["LECTERN_ENV"])
        if mode == .development {
            let dotEnvPath = env["LECTERN_DOTENV"] ?? ".env"
            for (key, value) in try DotEnv.load(path: dotEnvPath) where env[key] == nil {
                env[key] = value
            }
        }
        return try FunctionConfig(name: name, mode: mode, environment: env)
    }

    init(name: String, mode: Mode, environment env: [String: String]) throws {
        let listen: Listen
        if let socket = env["SOCKET_PATH"], !socket.isEmpty {
            listen = .unixSocket(path: socket)
        } else {
            let portText = env["PORT"] ?? "8081"
            guard let port = Int(portText), (0...65535).contains(port) else {
                throw Invalid(variable: "PORT", message: "'\(portText)' is not a port number (0-65535)")
            }
            listen = .port(host: env["HOST"] ?? "127.0.0.1", port: port)
        }
        let databaseText = env["DATABASE_URL"] ?? "sqlite://.lectern/lectern.sqlite"
        let database: DatabaseURL
        do {
            database = try DatabaseURL(databaseText)
        } catch {
            throw Invalid(variable: "DATABASE_URL", message: String(describing: error))
        }
        let siteURL = env["SITE_URL"] ?? "http://localhost:8080"
        guard let url = URL(string: siteURL), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw Invalid(variable: "SITE_URL", message: "'\(siteURL)' is not an http(s) URL such as https://courses.example.com")
        }
        let maxBody = try Self.integer(env, "MAX_BODY_BYTES", default: 64 * 1024, range: 1...(64 * 1024 * 1024))
        var rateLimit: Int? = try Self.integer(env, "LECTERN_RATE_LIMIT", default: 30, range: 1...1_000_000, off: true)
        if rateLimit == 0 { rateLimit = nil }
        self.init(
            name: name, mode: mode, listen: listen, database: database,
            siteURL: siteURL.hasSuffix("/") ? String(siteURL.dropLast()) : siteURL,
            privateDirectory: env["LECTERN_PRIVATE_DIR"] ?? "private",
            corsOrigins: Self.list(env["CORS_ORIGINS"]),
            adminAllowList: env["ADMIN_ALLOW_IPS"].map { Self.list($0) },
            maxBodyBytes: maxBody, rateLimitPerMinute: rateLimit,
            trustedProxies: env["TRUSTED_PROXIES"].map { Self.list($0) } ?? ["127.0.0.1", "::1"],
            environment: env)
    }

    private static func parseMode(_ value: String?) throws -> Mode {
        guard let value, !value.isEmpty else { return .development }
        guard let mode = Mode(rawValue: value) else {
            throw Invalid(variable: "LECTERN_ENV", message: "'\(value)' is not one of development, production")
        }
        return mode
    }

    private static func integer(_ env: [String: String], _ key: String, default fallback: Int, range: ClosedRange<Int>, off: Bool = false) throws -> Int {
        guard let text = env[key], !text.isEmpty else { return fallback }
        if off, text == "off" { return 0 }
        guard let value = Int(text), range.contains(value) else {
            throw Invalid(variable: key, message: "'\(text)' is not a whole number in \(range.lowerBound)...\(range.upperBound)\(off ? " (or off)" : "")")
        }
        return value
    }

    private static func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
