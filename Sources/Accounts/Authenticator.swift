import FunctionKit
import Foundation
import HTTPTypes
import Hummingbird
import SQLKit
import Store

/// The one way every function learns who is calling: a browser session cookie or an API access
/// token, checked against the store, with the CSRF rules for browsers applied on the way.
public struct Authenticator: Sendable {
    public let sessions: SessionStore
    public let tokens: AccessTokens
    public let settings: SessionSettings
    let store: Store

    public init(store: Store, secrets: AuthSecrets, settings: SessionSettings, tokenLifetime: Int = 15 * 60) {
        self.store = store
        self.settings = settings
        self.sessions = SessionStore(store: store, settings: settings)
        self.tokens = AccessTokens(secrets: secrets, lifetime: tokenLifetime)
    }

    /// From a function's config: `AUTH_SECRET`, `SITE_URL`, the session timeouts.
    public static func from(_ environment: FunctionEnvironment) throws -> Authenticator {
        Authenticator(store: environment.store, secrets: try AuthSecrets.from(environment.config),
                      settings: try SessionSettings.from(environment.config))
    }

    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
    public static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    /// The caller, or nil when the request carries no credential (or an expired session).
    /// Throws 401 for a bad access token and 403 for a state change without the CSRF token.
    public func caller(_ request: Request, context: FunctionContext) async throws -> Caller? {
        if let authorization = request.headers[.authorization] {
            guard authorization.lowercased().hasPrefix("bearer ") else {
                throw APIError(.unauthorized, code: "invalid_token", message: "Send the access token as `Authorization: Bearer <token>`.",
                               headers: [.wwwAuthenticate: "Bearer"])
            }
            return try await bearerCaller(String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces))
        }
        guard let token = request.cookies[settings.cookieName]?.value, !token.isEmpty,
              let found = try await sessions.find(token: token) else { return nil }
        if Self.changesState(request.method) {
            try rejectCrossSite(request)
            guard let sent = request.headers[Self.csrfHeader], SecureToken.constantTimeEquals(sent, found.csrfToken) else {
                throw APIError(.forbidden, code: "csrf_rejected",
                               message: "This request is missing its X-CSRF-Token header. Reload the page and try again.")
            }
        }
        return Caller(userID: found.userID, email: found.email, name: found.name, roles: found.roles,
                      credential: .session(sessionID: found.id, csrfToken: found.csrfToken))
    }

    /// 401 `not_signed_in` when nobody is signed in.
    public func requireCaller(_ request: Request, context: FunctionContext) async throws -> Caller {
        guard let caller = try await caller(request, context: context) else {
            throw APIError(.unauthorized, code: "not_signed_in", message: "Sign in first.")
        }
        return caller
    }

    /// Account management (password, two-factor, deletion, minting API tokens) is for a person
    /// at a browser: an API access token cannot do it, so a leaked token cannot entrench itself.
    public func requireSession(_ request: Request, context: FunctionContext) async throws -> Caller {
        let caller = try await requireCaller(request, context: context)
        guard case .session = caller.credential else {
            throw APIError(.forbidden, code: "session_required", message: "Do this from the account page, signed in with your browser, not with an API token.")
        }
        return caller
    }

    /// Refuses a state change sent from another site: by `Sec-Fetch-Site` where the browser
    /// sends it, else by `Origin`. Programs that send neither (curl, SDKs) are not browsers and
    /// carry no ambient cookie worth forging.
    public func rejectCrossSite(_ request: Request) throws {
        guard Self.changesState(request.method) else { return }
        if let site = request.headers[Self.secFetchSite]?.lowercased(), site != "same-origin", site != "none" {
            throw Self.crossSite
        }
        if let origin = request.headers[.origin]?.lowercased(), origin != settings.siteOrigin {
            throw Self.crossSite
        }
    }

    static let crossSite = APIError(.forbidden, code: "csrf_rejected", message: "Requests that change something must come from this site's own pages.")

    static func changesState(_ method: HTTPRequest.Method) -> Bool {
        method != .get && method != .head && method != .options
    }

    func bearerCaller(_ token: String) async throws -> Caller {
        let userID: String
        do {
            userID = try await tokens.verify(token)
        } catch {
            throw APIError(.unauthorized, code: "invalid_token", message: "The access token is invalid or expired. Get a new one with your refresh token.",
                           headers: [.wwwAuthenticate: #"Bearer error="invalid_token""#])
        }
        let row = try await store.withDatabase { db in
            try await db.raw("SELECT email, name, roles FROM users WHERE id = \(bind: userID) AND disabled_at IS NULL").first()
        }
        guard let row else {
            throw APIError(.unauthorized, code: "invalid_token", message: "This account no longer exists or is disabled.",
                           headers: [.wwwAuthenticate: #"Bearer error="invalid_token""#])
        }
        return Caller(userID: userID, email: try row.decode(column: "email", as: String?.self), name: try row.decode(column: "name", as: String?.self),
                      roles: Role.set(from: try row.decode(column: "roles", as: String.self)), credential: .accessToken)
    }
}
