import Accounts
import FunctionKit
import Foundation
import Hummingbird
import SQLKit

/// API tokens for programs: a short-lived access token (JWT) and a refresh token that changes
/// on every use. A refresh token used twice means a copy exists: the whole family is revoked.
struct TokenRoutes: Sendable {
    let services: AuthServices
    let signIn: SignInRoutes

    static let refreshLifetime = 30 * 86_400

    struct PasswordGrant: Decodable { let email: String; let password: String; let code: String? }
    struct RefreshBody: Decodable {
        let refreshToken: String
        enum CodingKeys: String, CodingKey { case refreshToken = "refresh_token" }
    }

    func add(to routes: FunctionRoutes) {
        routes.on(.post, "/api/auth/tokens") { request, context in try await issue(request, context) }
        routes.on(.post, "/api/auth/tokens/refresh") { request, context in try await refresh(request, context) }
    }

    /// With a signed-in browser session, or with email + password (+ the 2FA code when on).
    func issue(_ request: Request, _ context: FunctionContext) async throws -> Response {
        // A browser session may mint tokens; an access token may not mint its own successors.
        if let caller = try await services.authenticator.caller(request, context: context) {
            guard case .session = caller.credential else {
                throw APIError(.forbidden, code: "session_required", message: "Use your refresh token to get a new access token.")
            }
            return try await tokens(for: caller.userID, family: nil, context: context)
        }
        let body = try await services.decode(PasswordGrant.self, request)
        let user = try await signIn.checkPassword(email: body.email, password: body.password, context: context)
        guard user.emailVerifiedAt != nil else {
            throw APIError(.forbidden, code: "email_not_verified", message: "Confirm your email address first.", field: "email")
        }
        if user.twoFactorEnabled {
            guard let code = body.code else {
                throw APIError.invalid("code", "This account uses two-factor sign-in: send the current code as 'code'.")
            }
            try await services.limit(AuthServices.Limits.codePerAccount, user.id)
            let accepted = try await services.store.transaction { db in
                try await TwoFactorRoutes.accept(code: code, for: user, services: services, on: db)
            }
            guard accepted != nil else {
                throw APIError(.unauthorized, code: "invalid_code", message: "That code is not right.", field: "code")
            }
        }
        return try await tokens(for: user.id, family: nil, context: context)
    }

    func refresh(_ request: Request, _ context: FunctionContext) async throws -> Response {
        let body = try await services.decode(RefreshBody.self, request)
        let hash = SecureToken.digest(body.refreshToken)
        let now = AuthServices.now()
        enum Outcome: Sendable { case rotated(userID: String, family: String), reused(userID: String), invalid }
        let outcome: Outcome = try await services.store.transaction { db in
            guard let row = try await db.raw("SELECT * FROM refresh_tokens WHERE token_hash = \(bind: hash)").first() else { return .invalid }
            let userID = try row.decode(column: "user_id", as: String.self)
            let family = try row.decode(column: "family_id", as: String.self)
            if try row.decode(column: "used_at", as: Int?.self) != nil {
                try await db.raw("UPDATE refresh_tokens SET revoked_at = \(bind: now) WHERE family_id = \(bind: family) AND revoked_at IS NULL").run()
                try await services.audit.record("refresh_token_reused", userID: userID, ip: context.clientAddress, detail: family, on: db)
                return .reused(userID: userID)
            }
            guard try row.decode(column: "revoked_at", as: Int?.self) == nil, try row.decode(column: "expires_at", as: Int.self) > now else {
                return .invalid
            }
            let spent = try await db.raw("UPDATE refresh_tokens SET used_at = \(bind: now) WHERE token_hash = \(bind: hash) AND used_at IS NULL RETURNING token_hash").first()
            return spent == nil ? .invalid : .rotated(userID: userID, family: family)
        }
        switch outcome {
        case .rotated(let userID, let family):
            return try await tokens(for: userID, family: family, context: context)
        case .reused:
            throw APIError(.unauthorized, code: "token_reused",
                           message: "This refresh token was already used, so every token from the same sign-in is now revoked. Sign in again.")
        case .invalid:
            throw APIError(.unauthorized, code: "invalid_token", message: "The refresh token is invalid, revoked or expired. Sign in again.", field: "refresh_token")
        }
    }

    func tokens(for userID: String, family: String?, context: FunctionContext) async throws -> Response {
        let refresh = SecureToken.generate()
        let now = AuthServices.now()
        let family = family ?? UUID().uuidString.lowercased()
        let enabled = try await services.store.transaction { db -> Bool in
            guard let user = try await UserRecord.find(id: userID, on: db), user.disabledAt == nil else { return false }
            try await db.raw("""
                INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at)
                VALUES (\(bind: SecureToken.digest(refresh)), \(bind: family), \(bind: userID), \(bind: now), \(bind: now + Self.refreshLifetime))
                """).run()
            return true
        }
        guard enabled else {
            throw APIError(.unauthorized, code: "invalid_token", message: "This account no longer exists or is disabled.")
        }
        let access = try await services.authenticator.tokens.issue(userID: userID)
        return AuthServices.json(.ok, ["access_token": access, "token_type": "Bearer",
                                       "expires_in": services.authenticator.tokens.lifetime, "refresh_token": refresh])
    }
}
