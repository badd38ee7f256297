import Accounts
import Foundation
import SQLKit

/// One row of `users`, as the auth function reads it.
struct UserRecord: Sendable {
    let id: String
    let email: String?
    let emailVerifiedAt: Int?
    let name: String?
    let passwordHash: String?
    let roles: Set<Role>
    let disabledAt: Int?
    let totpSecret: String?
    let totpEnabledAt: Int?
    let totpLastStep: Int?
    let createdAt: Int

    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: String.self)
        email = try row.decode(column: "email", as: String?.self)
        emailVerifiedAt = try row.decode(column: "email_verified_at", as: Int?.self)
        name = try row.decode(column: "name", as: String?.self)
        passwordHash = try row.decode(column: "password_hash", as: String?.self)
        roles = Role.set(from: try row.decode(column: "roles", as: String.self))
        disabledAt = try row.decode(column: "disabled_at", as: Int?.self)
        totpSecret = try row.decode(column: "totp_secret", as: String?.self)
        totpEnabledAt = try row.decode(column: "totp_enabled_at", as: Int?.self)
        totpLastStep = try row.decode(column: "totp_last_step", as: Int?.self)
        createdAt = try row.decode(column: "created_at", as: Int.self)
    }

    var twoFactorEnabled: Bool { totpEnabledAt != nil }

    /// The `user` object of every answer.
    var json: [String: Any] {
        ["id": id, "email": email as Any, "name": name as Any, "roles": roles.sorted().map(\.rawValue),
         "email_verified": emailVerifiedAt != nil, "two_factor": twoFactorEnabled, "created_at": createdAt]
    }

    static func find(id: String, on db: any SQLDatabase) async throws -> UserRecord? {
        try await db.raw("SELECT * FROM users WHERE id = \(bind: id)").first().map(UserRecord.init)
    }

    static func find(email: String, on db: any SQLDatabase) async throws -> UserRecord? {
        try await db.raw("SELECT * FROM users WHERE email = \(bind: email)").first().map(UserRecord.init)
    }
}

/// Addresses are compared case-insensitively: stored trimmed and lower-cased.
enum EmailRules {
    static func normalise(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// A deliberately loose check (one `@`, a dot in the domain, no spaces, ≤ 254 characters):
    /// the verification email is the real test.
    static func isPlausible(_ email: String) -> Bool {
        guard email.count <= 254, !email.contains(where: { $0.isWhitespace || $0.isNewline }) else { return false }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else { return false }
        return true
    }
}
