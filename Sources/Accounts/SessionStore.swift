import Foundation
import SQLKit
import Store

/// Browser sessions in the store. The cookie holds 256 random bits; the table holds their
/// SHA-256, so a copy of the database cannot be replayed as a cookie. Each session also has a
/// public id (what the account page lists and revokes) and a CSRF token.
public struct SessionStore: Sendable {
    public struct Started: Sendable {
        public let token: String
        public let id: String
        public let csrfToken: String
    }

    public struct Active: Sendable, Codable, Equatable {
        public let id: String
        public let createdAt: Int
        public let lastSeenAt: Int
        public let ip: String?
        public let userAgent: String?
    }

    /// A session found by its cookie, with its user.
    public struct Found: Sendable {
        public let id: String
        public let csrfToken: String
        public let userID: String
        public let email: String?
        public let name: String?
        public let roles: Set<Role>
        public let lastSeenAt: Int
    }

    let store: Store
    public let settings: SessionSettings

    public init(store: Store, settings: SessionSettings) {
        self.store = store
        self.settings = settings
    }

    public func start(userID: String, ip: String?, userAgent: String?, on db: any SQLDatabase,
                      now: Int = Int(Date().timeIntervalSince1970)) async throws -> Started {
        let token = SecureToken.generate()
        let started = Started(token: token, id: SecureToken.generate(bytes: 12), csrfToken: SecureToken.generate())
        try await db.raw("""
            INSERT INTO sessions (id, token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)
            VALUES (\(bind: started.id), \(bind: SecureToken.digest(token)), \(bind: userID), \(bind: started.csrfToken),
                    \(bind: now), \(bind: now), \(bind: now + settings.absoluteTimeout), \(bind: ip), \(bind: userAgent.map { String($0.prefix(300)) }))
            """).run()
        return started
    }

    /// The live session for a cookie value: not revoked, within both timeouts, its user enabled.
    /// Refreshes `last_seen_at` at most once a minute, so reads stay reads.
    public func find(token: String, now: Int = Int(Date().timeIntervalSince1970)) async throws -> Found? {
        guard token.count >= 40, token.count <= 64 else { return nil }
        let hash = SecureToken.digest(token)
        let idle = settings.idleTimeout
        let row = try await store.read { db in
            try await db.raw("""
                SELECT s.id, s.csrf_token, s.last_seen_at, s.expires_at, u.id AS user_id, u.email, u.name, u.roles
                FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = \(bind: hash) AND s.revoked_at IS NULL AND u.disabled_at IS NULL
                """).first()
        }
        guard let row else { return nil }
        let lastSeen = try row.decode(column: "last_seen_at", as: Int.self)
        let expires = try row.decode(column: "expires_at", as: Int.self)
        guard now < expires, now - lastSeen < idle else { return nil }
        let id = try row.decode(column: "id", as: String.self)
        if now - lastSeen >= 60 {
            try await store.withDatabase { db in
                try await db.raw("UPDATE sessions SET last_seen_at = \(bind: now) WHERE id = \(bind: id)").run()
            }
        }
        return Found(id: id, csrfToken: try row.decode(column: "csrf_token", as: String.self),
                     userID: try row.decode(column: "user_id", as: String.self),
                     email: try row.decode(column: "email", as: String?.self),
                     name: try row.decode(column: "name", as: String?.self),
                     roles: Role.set(from: try row.decode(column: "roles", as: String.self)),
                     lastSeenAt: lastSeen)
    }

    public func list(userID: String, now: Int = Int(Date().timeIntervalSince1970)) async throws -> [Active] {
        let idleSince = now - settings.idleTimeout
        return try await store.withDatabase { db in
            try await db.raw("""
                SELECT id, created_at, last_seen_at, ip, user_agent FROM sessions
                WHERE user_id = \(bind: userID) AND revoked_at IS NULL AND expires_at > \(bind: now) AND last_seen_at > \(bind: idleSince)
                ORDER BY last_seen_at DESC
                """).all().map { row in
                Active(id: try row.decode(column: "id", as: String.self), createdAt: try row.decode(column: "created_at", as: Int.self),
                       lastSeenAt: try row.decode(column: "last_seen_at", as: Int.self), ip: try row.decode(column: "ip", as: String?.self),
                       userAgent: try row.decode(column: "user_agent", as: String?.self))
            }
        }
    }

    /// Revokes one session of a user; false when there is no such live session.
    public func revoke(id: String, userID: String, now: Int = Int(Date().timeIntervalSince1970)) async throws -> Bool {
        try await store.withDatabase { db in
            let rows = try await db.raw("""
                UPDATE sessions SET revoked_at = \(bind: now)
                WHERE id = \(bind: id) AND user_id = \(bind: userID) AND revoked_at IS NULL
                RETURNING id
                """).all()
            return !rows.isEmpty
        }
    }

    /// Signs a user out everywhere (password reset, disabling), or everywhere but `except`.
    public static func revokeAll(userID: String, except: String? = nil, on db: any SQLDatabase,
                                 now: Int = Int(Date().timeIntervalSince1970)) async throws {
        if let except {
            try await db.raw("UPDATE sessions SET revoked_at = \(bind: now) WHERE user_id = \(bind: userID) AND revoked_at IS NULL AND id <> \(bind: except)").run()
        } else {
            try await db.raw("UPDATE sessions SET revoked_at = \(bind: now) WHERE user_id = \(bind: userID) AND revoked_at IS NULL").run()
        }
    }
}
