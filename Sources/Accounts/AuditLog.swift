import Foundation
import SQLKit
import Store

/// The security log: sign-ins and failures, password and two-factor changes, role changes,
/// token reuse. Admins read it through `GET /api/auth/admin/audit`.
public struct AuditLog: Sendable {
    public struct Event: Sendable, Codable, Equatable {
        public let id: String
        public let at: Int
        public let userID: String?
        public let event: String
        public let ip: String?
        public let detail: String?
    }

    let store: Store

    public init(store: Store) {
        self.store = store
    }

    public func record(_ event: String, userID: String?, ip: String?, detail: String? = nil,
                       on db: (any SQLDatabase)? = nil, now: Int = Int(Date().timeIntervalSince1970)) async throws {
        let id = UUID().uuidString.lowercased()
        let insert: @Sendable (any SQLDatabase) async throws -> Void = { db in
            try await db.raw("""
                INSERT INTO audit_log (id, at, user_id, event, ip, detail)
                VALUES (\(bind: id), \(bind: now), \(bind: userID), \(bind: event), \(bind: ip), \(bind: detail))
                """).run()
        }
        if let db { try await insert(db) } else { try await store.withDatabase(insert) }
    }

    /// Newest first.
    public func events(userID: String? = nil, limit: Int = 100) async throws -> [Event] {
        try await store.withDatabase { db in
            let rows: [any SQLRow]
            if let userID {
                rows = try await db.raw("SELECT * FROM audit_log WHERE user_id = \(bind: userID) ORDER BY at DESC, id LIMIT \(unsafeRaw: String(limit))").all()
            } else {
                rows = try await db.raw("SELECT * FROM audit_log ORDER BY at DESC, id LIMIT \(unsafeRaw: String(limit))").all()
            }
            return try rows.map { row in
                Event(id: try row.decode(column: "id", as: String.self), at: try row.decode(column: "at", as: Int.self),
                      userID: try row.decode(column: "user_id", as: String?.self), event: try row.decode(column: "event", as: String.self),
                      ip: try row.decode(column: "ip", as: String?.self), detail: try row.decode(column: "detail", as: String?.self))
            }
        }
    }
}
