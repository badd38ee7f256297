import Accounts
import FunctionKit
import Foundation
import Hummingbird
import SQLKit

/// Sign up, verify, sign in (with the two-factor step), sign out, and the current session.
struct SignInRoutes: Sendable {
    let services: AuthServices

    struct SignUp: Decodable { let email: String; let password: String; let name: String? }
    struct TokenBody: Decodable { let token: String }
    struct EmailBody: Decodable { let email: String }
    struct Credentials: Decodable { let email: String; let password: String }
    struct SecondStep: Decodable { let challenge: String; let code: String }

    static let checkYourEmail = "Check your email: we sent a link to confirm the address."

    func add(to routes: FunctionRoutes) {
        routes.on(.post, "/api/auth/signup") { request, context in try await signUp(request, context) }
        routes.on(.post, "/api/auth/verify") { request, context in try await verify(request, context) }
        routes.on(.post, "/api/auth/verify/resend") { request, context in try await resend(request, context) }
        routes.on(.post, "/api/auth/signin") { request, context in try await signIn(request, context) }
        routes.on(.post, "/api/auth/signin/2fa") { request, context in try await secondStep(request, context) }
        routes.on(.post, "/api/auth/signout") { request, context in try await signOut(request, context) }
        routes.on(.get, "/api/auth/session") { request, context in try await current(request, context) }
    }

    func signUp(_ request: Request, _ context: FunctionContext) async throws -> Response {
        try services.authenticator.rejectCrossSite(request)
        let body = try await services.decode(SignUp.self, request)
        let email = try services.validEmail(body.email)
        let name = body.name?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let name, name.count > 100 { throw APIError.invalid("name", "Use at most 100 characters.") }
        try services.validPassword(body.password, field: "password", email: email)
        try await services.limit(AuthServices.Limits.signUpPerIP, context.clientAddress)

        // Hash first in both cases, so a known address answers no faster than a new one.
        let hash = try await services.hasher.hash(body.password)
        let now = AuthServices.now()
        let id = UUID().uuidString.lowercased()
        let token: String? = try await services.store.transaction { db in
            let inserted = try await db.raw("""
                INSERT INTO users (id, email, name, password_hash, roles, created_at, updated_at)
                VALUES (\(bind: id), \(bind: email), \(bind: name?.isEmpty == false ? name : nil), \(bind: hash), 'student', \(bind: now), \(bind: now))
                ON CONFLICT (email) DO NOTHING
                RETURNING id
                """).first()
            guard inserted != nil else { return nil }
            try await services.audit.record("signup", userID: id, ip: context.clientAddress, on: db)
            return try await services.issueToken(userID: id, purpose: "verify", lifetime: 24 * 3600, on: db)
        }
        await sendQuietly(context) {
            if let token {
                try await services.mail.verification(to: email, token: token)
            } else {
                try await services.mail.alreadyRegistered(to: email)
            }
        }
        // The same answer either way: sign-up must not tell who has an account.
        return AuthServices.message(.accepted, Self.checkYourEmail)
    }

    func verify(_ request: Request, _ context: FunctionContext) async throws -> Response {
        let body = try await services.decode(TokenBody.self, request)
        let verified = try await services.store.transaction { db -> Bool in
            guard let userID = try await services.spendToken(body.token, purpose: "verify", on: db) else { return false }
            let now = AuthServices.now()
            try await db.raw("UPDATE users SET email_verified_at = COALESCE(email_verified_at, \(bind: now)), updated_at = \(bind: now) WHERE id = \(bind: userID)").run()
            try await services.audit.record("email_verified", userID: userID, ip: context.clientAddress, on: db)
            return true
        }
        guard verified else {
            throw APIError.badRequest("This link is invalid, already used or expired. Sign in to ask for a new one.", code: "invalid_token", field: "token")
        }
        return AuthServices.message(.ok, "Your email address is confirmed. You can sign in now.")
    }

    func resend(_ request: Request, _ context: FunctionContext) async throws -> Response {
        try services.authenticator.rejectCrossSite(request)
        let body = try await services.decode(EmailBody.self, request)
        let email = try services.validEmail(body.email)
        try await services.limit(AuthServices.Limits.signUpPerIP, context.clientAddress)
        try await services.limit(AuthServices.Limits.resetPerAccount, "verify:" + email)
        let token: String? = try await services.store.transaction { db in
            guard let user = try await UserRecord.find(email: email, on: db), user.emailVerifiedAt == nil, user.disabledAt == nil else { return nil }
            return try await services.issueToken(userID: user.id, purpose: "verify", lifetime: 24 * 3600, on: db)
        }
        if let token {
            await sendQuietly(context) { try await services.mail.verification(to: email, token: token) }
        }
        return AuthServices.message(.accepted, "If that address has an unconfirmed account, a new link is on its way.")
    }

    /// The password check shared by sign-in and token requests. Returns the user when the
    /// password matches; counts failures per account, and refuses once there are too many.
    func checkPassword(email rawEmail: String, password: String, context: FunctionContext) async throws -> UserRecord {
        let email = try services.validEmail(rawEmail)
        try await services.limit(AuthServices.Limits.signInPerIP, context.clientAddress)
        if let wait = try await services.limiter.check(AuthServices.Limits.failedSignIns, email) {
            throw APIError(.tooManyRequests, code: "account_locked",
                           message: "Too many failed sign-ins. Wait \(max(1, wait / 60)) minutes or reset your password.",
                           headers: [.retryAfter: String(wait)])
        }
        let user = try await services.store.withDatabase { db in try await UserRecord.find(email: email, on: db) }
        if let user, let stored = user.passwordHash {
            let verdict = try await services.hasher.verify(password, against: stored)
            if verdict.matches {
                try await services.limiter.reset(AuthServices.Limits.failedSignIns, email)
                if verdict.needsRehash {
                    let fresh = try await services.hasher.hash(password)
                    try await services.store.withDatabase { db in
                        try await db.raw("UPDATE users SET password_hash = \(bind: fresh) WHERE id = \(bind: user.id)").run()
                    }
                }
                guard user.disabledAt == nil else {
                    throw APIError(.forbidden, code: "account_disabled", message: "This account is disabled. Contact the site's support.")
                }
                return user
            }
        } else {
            try await services.hasher.verifyNothing(password)
        }
        _ = try await services.limiter.hit(AuthServices.Limits.failedSignIns, email)
        try await services.audit.record("signin_failed", userID: user?.id, ip: context.clientAddress)
        throw APIError(.unauthorized, code: "invalid_credentials", message: "That email and password don't match an account.")
    }

    func signIn(_ request: Request, _ context: FunctionContext) async throws -> Response {
        try services.authenticator.rejectCrossSite(request)
        let body = try await services.decode(Credentials.self, request)
        let user = try await checkPassword(email: body.email, password: body.password, context: context)
        guard user.emailVerifiedAt != nil else {
            throw APIError(.forbidden, code: "email_not_verified",
                           message: "Confirm your email address first: use the link we sent you, or ask for a new one.", field: "email")
        }
        if user.twoFactorEnabled {
            let challenge = try await services.store.withDatabase { db in
                try await services.issueToken(userID: user.id, purpose: "signin-2fa", lifetime: 5 * 60, on: db)
            }
            return AuthServices.json(.ok, ["two_factor_required": true, "challenge": challenge])
        }
        return try await services.store.transaction { db in
            try await services.audit.record("signin", userID: user.id, ip: context.clientAddress, detail: "password", on: db)
            return try await services.signedIn(user, request: request, context: context, on: db)
        }
    }

    func secondStep(_ request: Request, _ context: FunctionContext) async throws -> Response {
        try services.authenticator.rejectCrossSite(request)
        let body = try await services.decode(SecondStep.self, request)
        let challengeHash = SecureToken.digest(body.challenge)
        let now = AuthServices.now()
        let pending = try await services.store.withDatabase { db in
            try await db.raw("""
                SELECT user_id FROM one_time_tokens
                WHERE token_hash = \(bind: challengeHash) AND purpose = 'signin-2fa' AND used_at IS NULL AND expires_at > \(bind: now)
                """).first()?.decode(column: "user_id", as: String.self)
        }
        guard let userID = pending else {
            throw APIError.badRequest("This sign-in has expired. Enter your email and password again.", code: "invalid_challenge", field: "challenge")
        }
        try await services.limit(AuthServices.Limits.codePerAccount, userID)
        let response: Response? = try await services.store.transaction { db in
            guard let user = try await UserRecord.find(id: userID, on: db), user.disabledAt == nil,
                  try await TwoFactorRoutes.accept(code: body.code, for: user, services: services, on: db) != nil else { return nil }
            let spent = try await db.raw("""
                UPDATE one_time_tokens SET used_at = \(bind: now)
                WHERE token_hash = \(bind: challengeHash) AND used_at IS NULL RETURNING user_id
                """).first()
            guard spent != nil else { return nil }
            try await services.audit.record("signin", userID: user.id, ip: context.clientAddress, detail: "password+2fa", on: db)
            return try await services.signedIn(user, request: request, context: context, on: db)
        }
        guard let response else {
            try await services.audit.record("2fa_failed", userID: userID, ip: context.clientAddress)
            throw APIError(.unauthorized, code: "invalid_code", message: "That code is not right. Enter the current code from your app, or a recovery code.", field: "code")
        }
        return response
    }

    func signOut(_ request: Request, _ context: FunctionContext) async throws -> Response {
        try services.authenticator.rejectCrossSite(request)
        if let caller = try await services.authenticator.caller(request, context: context),
           case .session(let sessionID, _) = caller.credential {
            _ = try await services.sessions.revoke(id: sessionID, userID: caller.userID)
            try await services.audit.record("signout", userID: caller.userID, ip: context.clientAddress)
        }
        return AuthServices.noContent(cookies: services.settings.clearingCookies())
    }

    func current(_ request: Request, _ context: FunctionContext) async throws -> Response {
        let caller = try await services.authenticator.requireCaller(request, context: context)
        guard let user = try await services.store.withDatabase({ db in try await UserRecord.find(id: caller.userID, on: db) }) else {
            throw APIError(.unauthorized, code: "not_signed_in", message: "Sign in first.")
        }
        var object: [String: Any] = ["user": user.json]
        if case .session(_, let csrf) = caller.credential { object["csrf_token"] = csrf }
        return AuthServices.json(.ok, object)
    }

    /// A mail server that is down must not turn into an answer that says whether an account
    /// exists: the failure is logged and the answer stays the same.
    func sendQuietly(_ context: FunctionContext, _ send: () async throws -> Void) async {
        do {
            try await send()
        } catch {
            context.logger.error("email not sent", metadata: ["error": "\(error)"])
        }
    }
}
