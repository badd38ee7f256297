import Crypto
import Foundation
import SQLKit
import Store

/// The generate function's tables: the response cache, and every generation (the user's
/// history and the usage ledger in one row: tokens, cost, cache hits).
struct GenerationStore: Sendable {
    static let migrations = MigrationSet(owner: "generate", [
        Migration(1, "create generation cache and history") { db in
            try await db.raw("""
                CREATE TABLE generation_cache (
                    key TEXT PRIMARY KEY,
                    text TEXT NOT NULL,
                    tokens_in INTEGER NOT NULL,
                    tokens_out INTEGER NOT NULL,
                    created_at BIGINT NOT NULL,
                    hits INTEGER NOT NULL DEFAULT 0
                )
                """).run()
            try await db.raw("""
                CREATE TABLE generations (
                    id TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    template_id TEXT NOT NULL,
                    inputs TEXT NOT NULL,
                    variants TEXT NOT NULL,
                    provider TEXT NOT NULL,
                    model TEXT NOT NULL,
                    tokens_in INTEGER NOT NULL,
                    tokens_out INTEGER NOT NULL,
                    cost_micros BIGINT NOT NULL,
                    cached_variants INTEGER NOT NULL,
                    saved_micros BIGINT NOT NULL,
                    starred INTEGER NOT NULL DEFAULT 0,
                    search_text TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """).run()
            try await db.raw("CREATE INDEX generations_user ON generations (user_id, created_at)").run()
        },
        // Deleting from the history keeps the row's usage (quota and cost count it) and drops
        // its content.
        Migration(2, "generations can be deleted from the history only") { db in
            try await db.raw("ALTER TABLE generations ADD COLUMN deleted_at BIGINT").run()
        },
        // Batch jobs: a CSV of inputs, one row per generation, worked through by the function
        // itself. A row is claimed with a lease; a worker that dies leaves it to be claimed again.
        Migration(3, "create batch jobs") { db in
            try await db.raw("""
                CREATE TABLE batch_jobs (
                    id TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    template_id TEXT NOT NULL,
                    brand_id TEXT,
                    status TEXT NOT NULL,
                    total INTEGER NOT NULL,
                    message TEXT,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL
                )
                """).run()
            try await db.raw("CREATE INDEX batch_jobs_user ON batch_jobs (user_id, created_at)").run()
            try await db.raw("""
                CREATE TABLE batch_rows (
                    job_id TEXT NOT NULL REFERENCES batch_jobs (id) ON DELETE CASCADE,
                    row_index INTEGER NOT NULL,
                    inputs TEXT NOT NULL,
                    status TEXT NOT NULL,
                    claimed_until BIGINT,
                    generation_id TEXT,
                    output TEXT,
                    error TEXT,
                    PRIMARY KEY (job_id, row_index)
                )
                """).run()
            try await db.raw("CREATE INDEX batch_rows_status ON batch_rows (status, claimed_until)").run()
        },
    ])

    let store: Store
    /// Seconds a cached answer is reused (`GENERATION_CACHE_SECONDS`).
    let cacheLifetime: Int

    static func now() -> Int { Int(Date().timeIntervalSince1970) }

    /// The key of one variant's request: provider, model, the rendered prompt, the settings and
    /// the variant index.
    static func cacheKey(provider: String, model: String, request: CompletionRequest, variant: Int) -> String {
        let parts = [provider, model, request.system, request.user, request.temperature.map { "\($0)" } ?? "-",
                     request.maxTokens.map(String.init) ?? "-", String(variant)]
        return SHA256.hash(data: Data(parts.joined(separator: "\u{1}").utf8)).map { String(format: "%02x", $0) }.joined()
    }

    struct Cached: Sendable {
        let text: String
        let tokensIn: Int
        let tokensOut: Int
    }

    func cached(_ key: String) async throws -> Cached? {
        let since = Self.now() - cacheLifetime
        return try await store.withDatabase { db in
            guard let row = try await db.raw("SELECT * FROM generation_cache WHERE key = \(bind: key) AND created_at > \(bind: since)").first() else { return nil }
            try await db.raw("UPDATE generation_cache SET hits = hits + 1 WHERE key = \(bind: key)").run()
            return Cached(text: try row.decode(column: "text", as: String.self), tokensIn: try row.decode(column: "tokens_in", as: Int.self),
                          tokensOut: try row.decode(column: "tokens_out", as: Int.self))
        }
    }

    /// Only successful answers are stored: an error must be retried, not replayed.
    func store(_ key: String, text: String, tokensIn: Int, tokensOut: Int) async throws {
        let now = Self.now()
        try await store.withDatabase { db in
            try await db.raw("""
                INSERT INTO generation_cache (key, text, tokens_in, tokens_out, created_at) VALUES (\(bind: key), \(bind: text), \(bind: tokensIn), \(bind: tokensOut), \(bind: now))
                ON CONFLICT (key) DO UPDATE SET text = excluded.text, tokens_in = excluded.tokens_in, tokens_out = excluded.tokens_out,
                    created_at = excluded.created_at, hits = 0
                """).run()
        }
    }

    struct Record: Sendable {
        var id: String
        var userID: String
        var templateID: String
        var inputs: String
        var variants: String
        var provider: String
        var model: String
        var tokensIn: Int
        var tokensOut: Int
        var costMicros: Int
        var cachedVariants: Int
        var savedMicros: Int
        var searchText: String
        var createdAt: Int
    }

    func save(_ record: Record) async throws {
        try await store.withDatabase { db in try await Self.save(record, on: db) }
    }

    static func save(_ record: Record, on db: any SQLDatabase) async throws {
        try await db.raw("""
                INSERT INTO generations (id, user_id, template_id, inputs, variants, provider, model, tokens_in, tokens_out, cost_micros,
                                         cached_variants, saved_micros, search_text, created_at)
                VALUES (\(bind: record.id), \(bind: record.userID), \(bind: record.templateID), \(bind: record.inputs), \(bind: record.variants),
                        \(bind: record.provider), \(bind: record.model), \(bind: record.tokensIn), \(bind: record.tokensOut), \(bind: record.costMicros),
                        \(bind: record.cachedVariants), \(bind: record.savedMicros), \(bind: record.searchText), \(bind: record.createdAt))
                """).run()
    }

    /// Generations since `start` (the quota's period).
    func count(userID: String, since start: Int) async throws -> Int {
        try await store.withDatabase { db in
            try await db.raw("SELECT COUNT(*) AS n FROM generations WHERE user_id = \(bind: userID) AND created_at >= \(bind: start)").first()?
                .decode(column: "n", as: Int.self) ?? 0
        }
    }

    func history(userID: String, search: String?, starredOnly: Bool, limit: Int) async throws -> [any SQLRow] {
        // LIKE with the user's words; `%` and `_` are dropped so they match only themselves.
        let pattern = "%" + (search ?? "").lowercased().replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
        let starred = starredOnly ? 1 : 0
        return try await store.withDatabase { db in
            try await db.raw("""
                SELECT id, template_id, inputs, variants, provider, model, tokens_in, tokens_out, cost_micros, cached_variants, starred, created_at
                FROM generations
                WHERE user_id = \(bind: userID) AND deleted_at IS NULL AND search_text LIKE \(bind: pattern) AND starred >= \(bind: starred)
                ORDER BY created_at DESC, id DESC LIMIT \(unsafeRaw: String(limit))
                """).all()
        }
    }

    func setStarred(_ starred: Bool, id: String, userID: String) async throws -> Bool {
        try await store.withDatabase { db in
            !(try await db.raw("UPDATE generations SET starred = \(bind: starred ? 1 : 0) WHERE id = \(bind: id) AND user_id = \(bind: userID) AND deleted_at IS NULL RETURNING id").all()).isEmpty
        }
    }

    func delete(id: String, userID: String) async throws -> Bool {
        try await store.withDatabase { db in
            !(try await db.raw("""
                UPDATE generations SET deleted_at = \(bind: Self.now()), inputs = '{}', variants = '[]', search_text = ''
                WHERE id = \(bind: id) AND user_id = \(bind: userID) AND deleted_at IS NULL RETURNING id
                """).all()).isEmpty
        }
    }

    /// Per day, template and provider: generations, tokens, cost, variants served from cache and
    /// what they saved.
    func usage(since start: Int) async throws -> [any SQLRow] {
        try await store.withDatabase { db in
            try await db.raw("""
                SELECT (created_at / 86400) * 86400 AS day, template_id, provider, COUNT(*) AS generations,
                       CAST(SUM(tokens_in) AS BIGINT) AS tokens_in, CAST(SUM(tokens_out) AS BIGINT) AS tokens_out,
                       CAST(SUM(cost_micros) AS BIGINT) AS cost_micros, CAST(SUM(cached_variants) AS BIGINT) AS cached_variants,
                       CAST(SUM(saved_micros) AS BIGINT) AS saved_micros
                FROM generations WHERE created_at >= \(bind: start)
                GROUP BY (created_at / 86400) * 86400, template_id, provider
                ORDER BY day DESC, template_id, provider
                """).all()
        }
    }
}
