import Accounts
import FunctionKit
import Foundation
import Hummingbird
import SQLKit

/// Enrolment in TOTP two-factor sign-in, with recovery codes, and switching it off.
struct TwoFactorRoutes: Sendable {
    let services: AuthServices

    struct PasswordBody: Decodable { let password: String }
    struct CodeBody: Decodable { let code: String }

    func add(to routes: FunctionRoutes) {
        routes.on(.post, "/api/auth/2fa/setup") { request, context in try await setup(request, context) }
        routes.on(.post, "/api/auth/2fa/enable") { request, context in try await enable(request, context) }
        routes.on(.post, "/api/auth/2fa/disable") { request, context in try await disable(request, context) }
    }

    func signedInUser(_ request: Request, _ context: FunctionContext) async throws -> UserRecord {
        let caller = try await services.authenticator.requireSession(request, context: context)
        guard let user = try await services.store.withDatabase({ db in try await UserRecord.find(id: caller.userID, on: db) }) else {
            throw APIError(.unauthorized, code: "not_signed_in", message: "Sign in first.")
        }
        return user
    }

    func confirmPassword(_ password: String, of user: UserRecord, context: FunctionContext) async throws {
        try await services.limit(AuthServices.Limits.codePerAccount, user.id)
        guard let stored = user.passwordHash, try await services.hasher.verify(password, against: stored).matches else {
            throw APIError(.unauthorized, code: "invalid_credentials", message: "Your password is not right.", field: "password")
        }
    }

    /// A new secret, not active until a code from it is confirmed.
    func setup(_ request: Request, _ context: FunctionContext) async throws -> Response {
        let user = try await signedInUser(request, context)
        let body = try await services.decode(PasswordBody.self, request)
        guard !user.twoFactorEnabled else {
            throw APIError(.conflict, code: "two_factor_enabled", message: "Two-factor sign-in is already on. Turn it off first to change the app.")
        }
        try await confirmPassword(body.password, of: user, context: context)
        let secret = TwoFactor.newSecret()
        let sealed = try services.box.seal(secret, boundTo: user.id)
        try await services.store.withDatabase { db in
            try await db.raw("UPDATE users SET totp_secret = \(bind: sealed), totp_last_step = NULL WHERE id = \(bind: user.id) AND totp_enabled_at IS NULL").run()
        }
        return AuthServices.json(.ok, ["secret": TwoFactor.typedKey(secret), "otpauth_uri": TwoFactor.uri(secret: secret, account: user.email ?? user.id)])
    }

    /// Turns two-factor on with a first code, answers the ten recovery codes (shown once), and
    /// rotates the session: a privilege change gets a fresh session id.
    func enable(_ request: Request, _ context: FunctionContext) async throws -> Response {
        let user = try await signedInUser(request, context)
        let body = try await services.decode(CodeBody.self, request)
        guard !user.twoFactorEnabled, let sealed = user.totpSecret else {
            throw APIError(.conflict, code: "two_factor_not_pending", message: "Start the set-up first (or it is already on).")
        }
        try await services.limit(AuthServices.Limits.codePerAccount, user.id)
        let secret = try services.box.open(sealed, boundTo: user.id)
        guard let step = TwoFactor.matchingStep(code: body.code, secret: secret, lastUsedStep: nil) else {
            throw APIError(.unprocessableContent, code: "invalid_code", message: "That code is not right. Enter the 6 digits your app shows now.", field: "code")
        }
        let codes = TwoFactor.recoveryCodes()
        return try await services.store.transaction { db in
            let now = AuthServices.now()
            try await db.raw("UPDATE users SET totp_enabled_at = \(bind: now), totp_last_step = \(bind: step), updated_at = \(bind: now) WHERE id = \(bind: user.id)").run()
            try await db.raw("DELETE FROM recovery_codes WHERE user_id = \(bind: user.id)").run()
            for code in codes {
                try await db.raw("INSERT INTO recovery_codes (user_id, code_hash) VALUES (\(bind: user.id), \(bind: Self.recoveryDigest(code, userID: user.id)))").run()
            }
            try await SessionStore.revokeAll(userID: user.id, on: db)
            try await services.audit.record("2fa_enabled", userID: user.id, ip: context.clientAddress, on: db)
            let refreshed = try await UserRecord.find(id: user.id, on: db) ?? user
            return try await services.signedIn(refreshed, request: request, context: context, on: db, adding: ["recovery_codes": codes])
        }
    }

    func disable(_ request: Request, _ context: FunctionContext) async throws -> Response {
        let user = try await signedInUser(request, context)
        let body = try await services.decode(PasswordBody.self, request)
        try await confirmPassword(body.password, of: user, context: context)
        return try await services.store.transaction { db in
            let now = AuthServices.now()
            try await db.raw("UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL, updated_at = \(bind: now) WHERE id = \(bind: user.id)").run()
            try await db.raw("DELETE FROM recovery_codes WHERE user_id = \(bind: user.id)").run()
            try await services.audit.record("2fa_disabled", userID: user.id, ip: context.clientAddress, on: db)
            let refreshed = try await UserRecord.find(id: user.id, on: db) ?? user
            return AuthServices.json(.ok, ["user": refreshed.json])
        }
    }

    static func recoveryDigest(_ code: String, userID: String) -> String {
        SecureToken.digest(userID + ":" + TwoFactor.normalisedRecoveryCode(code))
    }

    /// Accepts a current TOTP code (once: the step is recorded in the same statement that checks
    /// it, so two racing requests cannot both use it) or an unused recovery code. Returns how.
    static func accept(code: String, for user: UserRecord, services: AuthServices, on db: any SQLDatabase) async throws -> String? {
        guard user.twoFactorEnabled, let sealed = user.totpSecret else { return nil }
        let trimmed = code.filter { !$0.isWhitespace }
        if trimmed.count == TwoFactor.digits, trimmed.allSatisfy(\.isNumber) {
            let secret = try services.box.open(sealed, boundTo: user.id)
            guard let step = TwoFactor.matchingStep(code: trimmed, secret: secret, lastUsedStep: user.totpLastStep) else { return nil }
            let claimed = try await db.raw("""
                UPDATE users SET totp_last_step = \(bind: step)
                WHERE id = \(bind: user.id) AND (totp_last_step IS NULL OR totp_last_step < \(bind: step))
                RETURNING id
                """).first()
            return claimed == nil ? nil : "totp"
        }
        let now = AuthServices.now()
        let used = try await db.raw("""
            UPDATE recovery_codes SET used_at = \(bind: now)
            WHERE user_id = \(bind: user.id) AND code_hash = \(bind: recoveryDigest(trimmed, userID: user.id)) AND used_at IS NULL
            RETURNING user_id
            """).first()
        return used == nil ? nil : "recovery_code"
    }
}
