import Foundation
import SQLKit
import Store

/// Leads in the store. Written so both backends run the same SQL (`ON CONFLICT … DO NOTHING
/// RETURNING` exists in SQLite ≥ 3.35 and PostgreSQL).
struct LeadRepository: Sendable {
    let store: Store

    struct Saved: Sendable {
        let email: String
        let created: Bool
    }

    /// Inserts a new address, or merges into the existing one: a newer name or source replaces
    /// the old, the first consent time is kept, the submission count goes up.
    func save(_ input: LeadInput, at date: Date) async throws -> Saved {
        let now = Int(date.timeIntervalSince1970)
        let id = UUID().uuidString.lowercased()
        return try await store.withDatabase { db in
            let inserted = try await db.raw("""
                INSERT INTO leads (id, email, name, source, consent_at, created_at, updated_at, submissions)
                VALUES (\(bind: id), \(bind: input.email), \(bind: input.name), \(bind: input.source), \(bind: now), \(bind: now), \(bind: now), 1)
                ON CONFLICT (email) DO NOTHING
                RETURNING id
                """).first()
            if inserted != nil { return Saved(email: input.email, created: true) }
            try await db.raw("""
                UPDATE leads SET
                    name = COALESCE(\(bind: input.name), name),
                    source = COALESCE(\(bind: input.source), source),
                    updated_at = \(bind: now),
                    submissions = submissions + 1
                WHERE email = \(bind: input.email)
                """).run()
            return Saved(email: input.email, created: false)
        }
    }

    func count() async throws -> Int {
        try await store.withDatabase { db in
            try await db.raw("SELECT COUNT(*) AS n FROM leads").first(decodingColumn: "n", as: Int.self) ?? 0
        }
    }
}

/// One row of `lectern leads export`.
public struct Lead: Sendable, Equatable {
    public let email: String
    public let name: String?
    public let source: String?
    public let consentAt: Date
    public let createdAt: Date
    public let updatedAt: Date
    public let submissions: Int
}

extension LeadsFunction {
    /// Every lead, oldest first.
    public static func allLeads(in store: Store) async throws -> [Lead] {
        try await store.withDatabase { db in
            try await db.raw("""
                SELECT email, name, source, consent_at, created_at, updated_at, submissions
                FROM leads ORDER BY created_at, email
                """).all().map { row in
                Lead(email: try row.decode(column: "email", as: String.self),
                     name: try row.decode(column: "name", as: String?.self),
                     source: try row.decode(column: "source", as: String?.self),
                     consentAt: Date(timeIntervalSince1970: Double(try row.decode(column: "consent_at", as: Int.self))),
                     createdAt: Date(timeIntervalSince1970: Double(try row.decode(column: "created_at", as: Int.self))),
                     updatedAt: Date(timeIntervalSince1970: Double(try row.decode(column: "updated_at", as: Int.self))),
                     submissions: try row.decode(column: "submissions", as: Int.self))
            }
        }
    }

    /// RFC 4180 CSV with a header row; fields that could start a spreadsheet formula are
    /// prefixed with `'` (CSV injection), since authors open this in spreadsheets.
    public static func csv(_ leads: [Lead]) -> String {
        func field(_ value: String?) -> String {
            var text = value ?? ""
            if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
            if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                text = "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return text
        }
        let iso = Date.ISO8601FormatStyle()
        var out = "email,name,source,consent_at,created_at,updated_at,submissions\r\n"
        for lead in leads {
            out += [field(lead.email), field(lead.name), field(lead.source), lead.consentAt.formatted(iso),
                    lead.createdAt.formatted(iso), lead.updatedAt.formatted(iso), String(lead.submissions)].joined(separator: ",") + "\r\n"
        }
        return out
    }
}
