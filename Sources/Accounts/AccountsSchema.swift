import SQLKit
import Store

/// The tables of the accounts system. The `auth` function owns them; other functions add this
/// set to their own migrations so they can start first and still find the tables (the migrator
/// applies each version once, whoever gets there first).
///
/// Times are Unix seconds. Secrets handed to users are stored as SHA-256 digests.
public enum AccountsSchema {
    public static let owner = "auth"

    public static let migrations = MigrationSet(owner: owner, [
        Migration(1, "create users, sessions and tokens") { db in
            try await db.raw("""
                CREATE TABLE users (
                    id TEXT PRIMARY KEY,
                    email TEXT UNIQUE,
                    email_verified_at BIGINT,
                    name TEXT,
                    password_hash TEXT,
                    roles TEXT NOT NULL DEFAULT 'student',
                    disabled_at BIGINT,
                    totp_secret TEXT,
                    totp_enabled_at BIGINT,
                    totp_last_step BIGINT,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL
                )
                """).run()
            try await db.raw("""
                CREATE TABLE sessions (
                    id TEXT PRIMARY KEY,
                    token_hash TEXT NOT NULL UNIQUE,
                    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    csrf_token TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    last_seen_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    ip TEXT,
                    user_agent TEXT,
                    revoked_at BIGINT
                )
                """).run()
            try await db.raw("CREATE INDEX sessions_user ON sessions (user_id)").run()
            // Single-use links and challenges: email verification, password reset, the second
            // step of a two-factor sign-in.
            try await db.raw("""
                CREATE TABLE one_time_tokens (
                    token_hash TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    purpose TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    used_at BIGINT
                )
                """).run()
            try await db.raw("CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose)").run()
            try await db.raw("""
                CREATE TABLE recovery_codes (
                    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    code_hash TEXT NOT NULL,
                    used_at BIGINT,
                    PRIMARY KEY (user_id, code_hash)
                )
                """).run()
            try await db.raw("""
                CREATE TABLE refresh_tokens (
                    token_hash TEXT PRIMARY KEY,
                    family_id TEXT NOT NULL,
                    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    used_at BIGINT,
                    revoked_at BIGINT
                )
                """).run()
            try await db.raw("CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id)").run()
            try await db.raw("""
                CREATE TABLE identities (
                    issuer TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    provider TEXT NOT NULL,
                    email TEXT,
                    created_at BIGINT NOT NULL,
                    PRIMARY KEY (issuer, subject)
                )
                """).run()
            try await db.raw("CREATE INDEX identities_user ON identities (user_id)").run()
            try await db.raw("""
                CREATE TABLE oidc_logins (
                    state_hash TEXT PRIMARY KEY,
                    provider TEXT NOT NULL,
                    nonce TEXT NOT NULL,
                    code_verifier TEXT NOT NULL,
                    return_to TEXT NOT NULL,
                    link_user_id TEXT,
                    expires_at BIGINT NOT NULL
                )
                """).run()
            // Counters shared by every process, so limits hold across function instances.
            try await db.raw("""
                CREATE TABLE rate_limits (
                    key TEXT PRIMARY KEY,
                    window_start BIGINT NOT NULL,
                    hits INTEGER NOT NULL
                )
                """).run()
            // Kept when an account is deleted (with the address and IP removed): a security
            // record must outlive the account it describes.
            try await db.raw("""
                CREATE TABLE audit_log (
                    id TEXT PRIMARY KEY,
                    at BIGINT NOT NULL,
                    user_id TEXT,
                    event TEXT NOT NULL,
                    ip TEXT,
                    detail TEXT
                )
                """).run()
            try await db.raw("CREATE INDEX audit_log_user ON audit_log (user_id, at)").run()
            try await db.raw("CREATE INDEX audit_log_at ON audit_log (at)").run()
        },
    ])
}
