import Accounts
import FunctionKit
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mail
import SQLKit
import Store

/// What every route of the auth function shares: the store, the authenticator (sessions and
/// tokens), the password hasher and policy, the mailer, the limits and the security log.
struct AuthServices: Sendable {
    let store: Store
    let config: FunctionConfig
    let authenticator: Authenticator
    let hasher: PasswordHasher
    let policy: PasswordPolicy
    let box: SecretBox
    let limiter: AttemptLimiter
    let audit: AuditLog
    let mail: AuthMail
    let logger: Logger

    var settings: SessionSettings { authenticator.settings }
    var sessions: SessionStore { authenticator.sessions }

    /// The limits of point 7 of the accounts design: per address and per account, in the store.
    enum Limits {
        static let signInPerIP = AttemptLimiter.Rule("signin-ip", limit: 50, window: 15 * 60)
        /// Failed sign-ins of one account; at the limit the account waits or resets its password.
        static let failedSignIns = AttemptLimiter.Rule("signin-failed", limit: 10, window: 15 * 60)
        static let signUpPerIP = AttemptLimiter.Rule("signup-ip", limit: 10, window: 60 * 60)
        static let resetPerIP = AttemptLimiter.Rule("reset-ip", limit: 10, window: 60 * 60)
        static let resetPerAccount = AttemptLimiter.Rule("reset-account", limit: 3, window: 60 * 60)
        static let codePerAccount = AttemptLimiter.Rule("2fa-failed", limit: 10, window: 15 * 60)
    }

    func limit(_ rule: AttemptLimiter.Rule, _ subject: String) async throws {
        if let wait = try await limiter.hit(rule, subject) {
            throw APIError.rateLimited(retryAfter: wait)
        }
    }

    static let bodyLimit = 16 * 1024

    func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        try await request.decodeJSON(type, limit: Self.bodyLimit)
    }

    func validPassword(_ password: String, field: String, email: String?) throws {
        if let problem = policy.problem(with: password, email: email) {
            throw APIError.invalid(field, problem)
        }
    }

    func validEmail(_ text: String, field: String = "email") throws -> String {
        let email = EmailRules.normalise(text)
        guard EmailRules.isPlausible(email) else {
            throw APIError.invalid(field, "Enter an email address like name@example.com.")
        }
        return email
    }

    /// Starts a session for `user` and answers with the user, the CSRF token and both cookies.
    func signedIn(_ user: UserRecord, request: Request, context: FunctionContext, on db: any SQLDatabase,
                  adding extra: [String: Any] = [:]) async throws -> Response {
        let started = try await sessions.start(userID: user.id, ip: context.clientAddress, userAgent: request.headers[.userAgent], on: db)
        let body = extra.merging(["user": user.json, "csrf_token": started.csrfToken]) { $1 }
        return Self.json(.ok, body,
                         cookies: [settings.sessionCookie(started.token), settings.hintCookieValue()])
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: Any], cookies: [String] = []) -> Response {
        JSONResponse.make(status, object, headers: HTTPFields(cookies.map { HTTPField(name: .setCookie, value: $0) }))
    }

    static func message(_ status: HTTPResponse.Status, _ text: String) -> Response {
        json(status, ["message": text])
    }

    static func noContent(cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.cacheControl: "no-store"]
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .noContent, headers: headers)
    }

    static func now() -> Int { Int(Date().timeIntervalSince1970) }

    /// Creates a single-use token for `purpose`, replacing unused ones of the same purpose.
    func issueToken(userID: String, purpose: String, lifetime: Int, on db: any SQLDatabase) async throws -> String {
        let token = SecureToken.generate()
        let now = Self.now()
        try await db.raw("DELETE FROM one_time_tokens WHERE user_id = \(bind: userID) AND purpose = \(bind: purpose)").run()
        try await db.raw("""
            INSERT INTO one_time_tokens (token_hash, user_id, purpose, created_at, expires_at)
            VALUES (\(bind: SecureToken.digest(token)), \(bind: userID), \(bind: purpose), \(bind: now), \(bind: now + lifetime))
            """).run()
        return token
    }

    /// Spends a single-use token: the user id, once, while it is fresh.
    func spendToken(_ token: String, purpose: String, on db: any SQLDatabase) async throws -> String? {
        guard token.count >= 20, token.count <= 100 else { return nil }
        let now = Self.now()
        return try await db.raw("""
            UPDATE one_time_tokens SET used_at = \(bind: now)
            WHERE token_hash = \(bind: SecureToken.digest(token)) AND purpose = \(bind: purpose)
              AND used_at IS NULL AND expires_at > \(bind: now)
            RETURNING user_id
            """).first()?.decode(column: "user_id", as: String.self)
    }
}
