import FunctionKit
import HTTPTypes

/// What a user may do beyond their own things. Stored as a comma-separated list on the user.
public enum Role: String, Sendable, CaseIterable, Codable, Comparable {
    case student, author, admin

    public static func < (a: Role, b: Role) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// Parses the stored list; unknown names are ignored so a rolled-back release still reads rows.
    public static func set(from text: String) -> Set<Role> {
        var roles = Set(text.split(separator: ",").compactMap { Role(rawValue: $0.trimmingCharacters(in: .whitespaces)) })
        roles.insert(.student)
        return roles
    }

    public static func text(_ roles: Set<Role>) -> String {
        roles.sorted().map(\.rawValue).joined(separator: ",")
    }
}

/// Who is calling a function, and how they proved it. Every function reads it the same way:
/// `try await accounts.requireCaller(request, context)`.
public struct Caller: Sendable, Equatable {
    public enum Credential: Sendable, Equatable {
        /// A browser session; `sessionID` is the public id (what the sessions list shows).
        case session(sessionID: String, csrfToken: String)
        /// An API access token (JWT) from `POST /api/auth/tokens`.
        case accessToken
    }

    public let userID: String
    public let email: String?
    public let name: String?
    public let roles: Set<Role>
    public let credential: Credential

    public init(userID: String, email: String?, name: String?, roles: Set<Role>, credential: Credential) {
        self.userID = userID
        self.email = email
        self.name = name
        self.roles = roles
        self.credential = credential
    }

    public func has(_ role: Role) -> Bool { roles.contains(role) }

    /// 403 unless the caller holds `role` (an admin holds every role).
    public func require(_ role: Role) throws {
        guard has(role) || has(.admin) else {
            throw APIError(.forbidden, code: "forbidden", message: "This needs the \(role.rawValue) role.")
        }
    }

    /// 403 unless the resource belongs to the caller (admins may act on anyone's).
    public func requireOwner(of ownerID: String) throws {
        guard ownerID == userID || has(.admin) else {
            throw APIError(.forbidden, code: "forbidden", message: "This belongs to another account.")
        }
    }
}
