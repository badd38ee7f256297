import Accounts
import FunctionKit
import Foundation
import Hummingbird
import SQLKit

/// "Download my data" and "delete my account".
struct PrivacyRoutes: Sendable {
    let services: AuthServices

    struct DeleteBody: Decodable { let password: String?; let confirm: String? }

    func add(to routes: FunctionRoutes) {
        routes.on(.get, "/api/auth/export") { request, context in try await export(request, context) }
        routes.on(.delete, "/api/auth/account") { request, context in try await delete(request, context) }
    }

    /// Everything stored about the caller, as one JSON document (secrets and hashes left out:
    /// they describe the account's protection, not the person).
    func export(_ request: Request, _ context: FunctionContext) async throws -> Response {
        let caller = try await services.authenticator.requireCaller(request, context: context)
        let data: Data? = try await services.store.withDatabase { db in
            guard let user = try await UserRecord.find(id: caller.userID, on: db) else { return nil }
            let sessions = try await db.raw("SELECT id, created_at, last_seen_at, expires_at, ip, user_agent, revoked_at FROM sessions WHERE user_id = \(bind: user.id) ORDER BY created_at").all()
            let identities = try await db.raw("SELECT provider, issuer, subject, email, created_at FROM identities WHERE user_id = \(bind: user.id)").all()
            let events = try await db.raw("SELECT at, event, ip, detail FROM audit_log WHERE user_id = \(bind: user.id) ORDER BY at").all()
            let tokens = try await db.raw("SELECT created_at, expires_at, used_at, revoked_at FROM refresh_tokens WHERE user_id = \(bind: user.id) ORDER BY created_at").all()
            var document: [String: Any] = [
                "exported_at": AuthServices.now(),
                "user": user.json,
                "sessions": try sessions.map { try Self.object($0, ["id": .text, "created_at": .number, "last_seen_at": .number, "expires_at": .number, "ip": .text, "user_agent": .text, "revoked_at": .number]) },
                "connected_providers": try identities.map { try Self.object($0, ["provider": .text, "issuer": .text, "subject": .text, "email": .text, "created_at": .number]) },
                "security_log": try events.map { try Self.object($0, ["at": .number, "event": .text, "ip": .text, "detail": .text]) },
                "api_tokens": try tokens.map { try Self.object($0, ["created_at": .number, "expires_at": .number, "used_at": .number, "revoked_at": .number]) },
            ]
            // What other functions keep about the user, in their own tables (present only where
            // those functions have run; a missing table is skipped).
            let owned: [(key: String, sql: SQLQueryString)] = [
                ("enrolments", "SELECT course_id, enrolled_at FROM enrolments WHERE user_id = \(bind: user.id)"),
                ("entitlements", "SELECT offer_id, source, granted_at, revoked_at, expires_at FROM entitlements WHERE user_id = \(bind: user.id)"),
                ("completed_lessons", "SELECT lesson_id, course_id, completed_at FROM lesson_completions WHERE user_id = \(bind: user.id)"),
                ("quiz_attempts", "SELECT lesson_id, quiz_id, number, score, passed, created_at FROM quiz_attempts WHERE user_id = \(bind: user.id)"),
                ("certificates", "SELECT id, course_id, name, course_title, issued_at FROM certificates WHERE user_id = \(bind: user.id)"),
                ("generations", "SELECT id, template_id, inputs, variants, provider, model, created_at FROM generations WHERE user_id = \(bind: user.id)"),
                ("purchases", "SELECT provider, reference, offer_id, paid, updated_at FROM purchases WHERE user_id = \(bind: user.id)"),
                ("subscriptions", "SELECT provider, subscription_id, offer_id, status, status_at FROM subscriptions WHERE user_id = \(bind: user.id)"),
            ]
            for (key, sql) in owned {
                if let rows = try? await db.raw(sql).all() {
                    document[key] = rows.map(Self.anyObject)
                }
            }
            // The newsletter list lives in the leads function's table, keyed by address.
            if let email = user.email, let lead = try? await db.raw("SELECT email, name, source, consent_at, created_at FROM leads WHERE email = \(bind: email)").first() {
                document["newsletter"] = try Self.object(lead, ["email": .text, "name": .text, "source": .text, "consent_at": .number, "created_at": .number])
            }
            return try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        }
        guard let data else { throw APIError(.unauthorized, code: "not_signed_in", message: "Sign in first.") }
        return Response(status: .ok,
                        headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store",
                                  .contentDisposition: #"attachment; filename="my-data.json""#],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Removes the account and everything that hangs off it (sessions, tokens, 2FA, providers,
    /// newsletter entry). The security log keeps its events under the account's random id, with
    /// addresses and IPs removed: it records what happened, no longer to whom.
    func delete(_ request: Request, _ context: FunctionContext) async throws -> Response {
        let caller = try await services.authenticator.requireSession(request, context: context)
        let body = try await services.decode(DeleteBody.self, request)
        guard let user = try await services.store.withDatabase({ db in try await UserRecord.find(id: caller.userID, on: db) }) else {
            throw APIError(.unauthorized, code: "not_signed_in", message: "Sign in first.")
        }
        if let stored = user.passwordHash {
            try await services.limit(AuthServices.Limits.codePerAccount, user.id)
            guard let password = body.password, try await services.hasher.verify(password, against: stored).matches else {
                throw APIError(.unauthorized, code: "invalid_credentials", message: "Your password is not right.", field: "password")
            }
        } else {
            guard let confirm = body.confirm, EmailRules.normalise(confirm) == user.email ?? user.id else {
                throw APIError.invalid("confirm", "Type your email address to confirm.")
            }
        }
        try await services.store.transaction { db in
            try await db.raw("UPDATE audit_log SET ip = NULL, detail = NULL WHERE user_id = \(bind: user.id)").run()
            try await services.audit.record("account_deleted", userID: user.id, ip: nil, on: db)
            if let email = user.email {
                try await db.raw("DELETE FROM rate_limits WHERE key LIKE \(bind: "%:" + email)").run()
            }
            try await db.raw("DELETE FROM users WHERE id = \(bind: user.id)").run()
        }
        if let email = user.email {
            // Best effort: the leads table exists only where the leads function has run.
            try? await services.store.withDatabase { db in try await db.raw("DELETE FROM leads WHERE email = \(bind: email)").run() }
        }
        return AuthServices.noContent(cookies: services.settings.clearingCookies())
    }

    enum Kind { case text, number }

    /// Every column of a row, as whatever type it holds (text, integer or real).
    static func anyObject(_ row: any SQLRow) -> [String: Any] {
        var object: [String: Any] = [:]
        for column in row.allColumns {
            if let value = try? row.decode(column: column, as: Int?.self) {
                object[column] = value as Any
            } else if let value = try? row.decode(column: column, as: Double?.self) {
                object[column] = value as Any
            } else if let value = try? row.decode(column: column, as: String?.self) {
                object[column] = value as Any
            }
        }
        return object
    }

    static func object(_ row: any SQLRow, _ columns: KeyValuePairs<String, Kind>) throws -> [String: Any] {
        var object: [String: Any] = [:]
        for (column, kind) in columns {
            switch kind {
            case .text: object[column] = try row.decode(column: column, as: String?.self) as Any
            case .number: object[column] = try row.decode(column: column, as: Int?.self) as Any
            }
        }
        return object
    }
}
