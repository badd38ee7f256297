import Accounts
import FunctionKit
import Foundation
import Hummingbird
import SQLKit

/// Change a password (signed in), and the forgot/reset pair (signed out, by email link).
struct PasswordRoutes: Sendable {
    let services: AuthServices

    struct Change: Decodable {
        let currentPassword: String
        let newPassword: String
        enum CodingKeys: String, CodingKey { case currentPassword = "current_password", newPassword = "new_password" }
    }
    struct Forgot: Decodable { let email: String }
    struct Reset: Decodable {
        let token: String
        let newPassword: String
        enum CodingKeys: String, CodingKey { case token, newPassword = "new_password" }
    }

    func add(to routes: FunctionRoutes) {
        routes.on(.post, "/api/auth/password") { request, context in try await change(request, context) }
        routes.on(.post, "/api/auth/password/forgot") { request, context in try await forgot(request, context) }
        routes.on(.post, "/api/auth/password/reset") { request, context in try await reset(request, context) }
    }

    /// Rotates the session (a new cookie) and signs out every other one.
    func change(_ request: Request, _ context: FunctionContext) async throws -> Response {
        let caller = try await services.authenticator.requireSession(request, context: context)
        let body = try await services.decode(Change.self, request)
        guard let user = try await services.store.withDatabase({ db in try await UserRecord.find(id: caller.userID, on: db) }) else {
            throw APIError(.unauthorized, code: "not_signed_in", message: "Sign in first.")
        }
        try await services.limit(AuthServices.Limits.codePerAccount, user.id)
        if let stored = user.passwordHash {
            guard try await services.hasher.verify(body.currentPassword, against: stored).matches else {
                try await services.audit.record("password_change_failed", userID: user.id, ip: context.clientAddress)
                throw APIError(.unauthorized, code: "invalid_credentials", message: "Your current password is not right.", field: "current_password")
            }
        }
        try services.validPassword(body.newPassword, field: "new_password", email: user.email)
        let hash = try await services.hasher.hash(body.newPassword)
        return try await services.store.transaction { db in
            let now = AuthServices.now()
            try await db.raw("UPDATE users SET password_hash = \(bind: hash), updated_at = \(bind: now) WHERE id = \(bind: user.id)").run()
            try await SessionStore.revokeAll(userID: user.id, on: db)
            try await db.raw("UPDATE refresh_tokens SET revoked_at = \(bind: now) WHERE user_id = \(bind: user.id) AND revoked_at IS NULL").run()
            try await services.audit.record("password_changed", userID: user.id, ip: context.clientAddress, on: db)
            return try await services.signedIn(user, request: request, context: context, on: db)
        }
    }

    func forgot(_ request: Request, _ context: FunctionContext) async throws -> Response {
        try services.authenticator.rejectCrossSite(request)
        let body = try await services.decode(Forgot.self, request)
        let email = try services.validEmail(body.email)
        try await services.limit(AuthServices.Limits.resetPerIP, context.clientAddress)
        try await services.limit(AuthServices.Limits.resetPerAccount, email)
        let token: String? = try await services.store.transaction { db in
            guard let user = try await UserRecord.find(email: email, on: db), user.disabledAt == nil else { return nil }
            try await services.audit.record("password_reset_requested", userID: user.id, ip: context.clientAddress, on: db)
            return try await services.issueToken(userID: user.id, purpose: "reset", lifetime: 3600, on: db)
        }
        if let token {
            do {
                try await services.mail.passwordReset(to: email, token: token)
            } catch {
                context.logger.error("email not sent", metadata: ["error": "\(error)"])
            }
        }
        return AuthServices.message(.accepted, "If that address has an account, a link to reset the password is on its way.")
    }

    /// Sets the new password, signs out every session and API token of the account, lifts a
    /// sign-in lock, and counts as proof of the address.
    func reset(_ request: Request, _ context: FunctionContext) async throws -> Response {
        try services.authenticator.rejectCrossSite(request)
        let body = try await services.decode(Reset.self, request)
        let now = AuthServices.now()
        let tokenHash = SecureToken.digest(body.token)
        let pending = try await services.store.withDatabase { db in
            try await db.raw("""
                SELECT u.id, u.email FROM one_time_tokens t JOIN users u ON u.id = t.user_id
                WHERE t.token_hash = \(bind: tokenHash) AND t.purpose = 'reset' AND t.used_at IS NULL AND t.expires_at > \(bind: now)
                """).first()
        }
        guard let pending else { throw Self.invalidLink }
        let email = try pending.decode(column: "email", as: String?.self)
        try services.validPassword(body.newPassword, field: "new_password", email: email)
        let hash = try await services.hasher.hash(body.newPassword)
        let userID: String? = try await services.store.transaction { db in
            guard let userID = try await services.spendToken(body.token, purpose: "reset", on: db) else { return nil }
            try await db.raw("""
                UPDATE users SET password_hash = \(bind: hash), email_verified_at = COALESCE(email_verified_at, \(bind: now)), updated_at = \(bind: now)
                WHERE id = \(bind: userID)
                """).run()
            try await SessionStore.revokeAll(userID: userID, on: db)
            try await db.raw("UPDATE refresh_tokens SET revoked_at = \(bind: now) WHERE user_id = \(bind: userID) AND revoked_at IS NULL").run()
            try await services.audit.record("password_reset", userID: userID, ip: context.clientAddress, on: db)
            return userID
        }
        guard userID != nil else { throw Self.invalidLink }
        if let email { try await services.limiter.reset(AuthServices.Limits.failedSignIns, email) }
        return AuthServices.message(.ok, "Your password is changed and every device is signed out. Sign in with the new password.")
    }

    static let invalidLink = APIError.badRequest("This reset link is invalid, already used or expired. Ask for a new one.", code: "invalid_token", field: "token")
}
