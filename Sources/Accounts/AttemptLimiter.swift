import Foundation
import SQLKit
import Store

/// Counters in the store, so a limit holds across every process of every function (an attacker
/// spreading requests over instances gains nothing). A window starts at a key's first hit and
/// lasts `window` seconds; the count resets after it.
public struct AttemptLimiter: Sendable {
    public struct Rule: Sendable {
        public let name: String
        public let limit: Int
        public let window: Int

        public init(_ name: String, limit: Int, window: Int) {
            self.name = name
            self.limit = limit
            self.window = window
        }
    }

    let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// Counts one attempt; returns the seconds to wait when the key is over the limit.
    public func hit(_ rule: Rule, _ subject: String, now: Int = Int(Date().timeIntervalSince1970)) async throws -> Int? {
        let key = "\(rule.name):\(subject)"
        let since = now - rule.window
        let row = try await store.withDatabase { db in
            try await db.raw("""
                INSERT INTO rate_limits (key, window_start, hits) VALUES (\(bind: key), \(bind: now), 1)
                ON CONFLICT (key) DO UPDATE SET
                    hits = CASE WHEN rate_limits.window_start > \(bind: since) THEN rate_limits.hits + 1 ELSE 1 END,
                    window_start = CASE WHEN rate_limits.window_start > \(bind: since) THEN rate_limits.window_start ELSE \(bind: now) END
                RETURNING hits, window_start
                """).first()
        }
        guard let row else { return nil }
        let hits = try row.decode(column: "hits", as: Int.self)
        let start = try row.decode(column: "window_start", as: Int.self)
        return hits > rule.limit ? max(1, start + rule.window - now) : nil
    }

    /// The wait without counting an attempt (nil when under the limit).
    public func check(_ rule: Rule, _ subject: String, now: Int = Int(Date().timeIntervalSince1970)) async throws -> Int? {
        let key = "\(rule.name):\(subject)"
        let row = try await store.withDatabase { db in
            try await db.raw("SELECT hits, window_start FROM rate_limits WHERE key = \(bind: key)").first()
        }
        guard let row else { return nil }
        let hits = try row.decode(column: "hits", as: Int.self)
        let start = try row.decode(column: "window_start", as: Int.self)
        guard start > now - rule.window, hits >= rule.limit else { return nil }
        return max(1, start + rule.window - now)
    }

    public func reset(_ rule: Rule, _ subject: String) async throws {
        let key = "\(rule.name):\(subject)"
        try await store.withDatabase { db in
            try await db.raw("DELETE FROM rate_limits WHERE key = \(bind: key)").run()
        }
    }
}
