import Foundation
import SQLKit
import Store

/// What `lectern users` does: list accounts, change roles, disable and enable. A role change or
/// disabling signs the account out everywhere (a privilege change gets fresh sessions), and
/// each change goes into the security log.
public struct UserAdmin: Sendable {
    public struct Summary: Sendable, Equatable {
        public let id: String
        public let email: String?
        public let name: String?
        public let roles: Set<Role>
        public let verified: Bool
        public let disabled: Bool
        public let twoFactor: Bool
        public let createdAt: Int
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case noSuchUser(String)
        public var description: String {
            switch self {
            case .noSuchUser(let who): "No account with the email or id '\(who)'. `lectern users list` shows them."
            }
        }
    }

    let store: Store
    let audit: AuditLog

    public init(store: Store) {
        self.store = store
        self.audit = AuditLog(store: store)
    }

    public func list() async throws -> [Summary] {
        try await store.withDatabase { db in
            try await db.raw("SELECT id, email, name, roles, email_verified_at, disabled_at, totp_enabled_at, created_at FROM users ORDER BY created_at, id").all().map { row in
                Summary(id: try row.decode(column: "id", as: String.self), email: try row.decode(column: "email", as: String?.self),
                        name: try row.decode(column: "name", as: String?.self), roles: Role.set(from: try row.decode(column: "roles", as: String.self)),
                        verified: try row.decode(column: "email_verified_at", as: Int?.self) != nil,
                        disabled: try row.decode(column: "disabled_at", as: Int?.self) != nil,
                        twoFactor: try row.decode(column: "totp_enabled_at", as: Int?.self) != nil,
                        createdAt: try row.decode(column: "created_at", as: Int.self))
            }
        }
    }

    public func grant(_ role: Role, to who: String) async throws -> Set<Role> {
        try await changeRoles(of: who, event: "role_granted", detail: role.rawValue) { $0.insert(role) }
    }

    public func revoke(_ role: Role, from who: String) async throws -> Set<Role> {
        try await changeRoles(of: who, event: "role_revoked", detail: role.rawValue) { $0.remove(role) }
    }

    public func setDisabled(_ disabled: Bool, _ who: String) async throws {
        let now = Int(Date().timeIntervalSince1970)
        try await store.transaction { db in
            let id = try await Self.resolve(who, on: db)
            try await db.raw("UPDATE users SET disabled_at = \(bind: disabled ? now : nil), updated_at = \(bind: now) WHERE id = \(bind: id)").run()
            if disabled {
                try await SessionStore.revokeAll(userID: id, on: db)
                try await db.raw("UPDATE refresh_tokens SET revoked_at = \(bind: now) WHERE user_id = \(bind: id) AND revoked_at IS NULL").run()
            }
            try await audit.record(disabled ? "account_disabled" : "account_enabled", userID: id, ip: nil, detail: "lectern users", on: db)
        }
    }

    func changeRoles(of who: String, event: String, detail: String, _ change: @escaping @Sendable (inout Set<Role>) -> Void) async throws -> Set<Role> {
        try await store.transaction { db in
            let id = try await Self.resolve(who, on: db)
            let current = try await db.raw("SELECT roles FROM users WHERE id = \(bind: id)").first()?.decode(column: "roles", as: String.self) ?? "student"
            var roles = Role.set(from: current)
            change(&roles)
            roles.insert(.student)
            let now = Int(Date().timeIntervalSince1970)
            try await db.raw("UPDATE users SET roles = \(bind: Role.text(roles)), updated_at = \(bind: now) WHERE id = \(bind: id)").run()
            try await SessionStore.revokeAll(userID: id, on: db)
            try await audit.record(event, userID: id, ip: nil, detail: detail, on: db)
            return roles
        }
    }

    /// The id of the account with this email address or id.
    public static func resolveID(_ who: String, in store: Store) async throws -> String {
        try await store.withDatabase { db in try await resolve(who, on: db) }
    }

    /// An email address (any case) or a user id.
    static func resolve(_ who: String, on db: any SQLDatabase) async throws -> String {
        let email = who.trimmingCharacters(in: .whitespaces).lowercased()
        if let id = try await db.raw("SELECT id FROM users WHERE email = \(bind: email) OR id = \(bind: who)").first()?.decode(column: "id", as: String.self) {
            return id
        }
        throw Failure.noSuchUser(who)
    }
}
