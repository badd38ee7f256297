import SQLKit
import Store

/// The tables of learning: enrolments, entitlements, lesson completions, the last lesson
/// visited, quiz attempts with each answer, certificates. Keyed by lesson id (stable across
/// reordering and renaming files) and by the accounts' user id; deleting an account deletes
/// its learning records with it.
public enum LearningSchema {
    public static let owner = "learning"

    public static let migrations = MigrationSet(owner: owner, [
        Migration(1, "create enrolments, entitlements, progress, attempts, certificates") { db in
            try await db.raw("""
                CREATE TABLE enrolments (
                    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    course_id TEXT NOT NULL,
                    enrolled_at BIGINT NOT NULL,
                    PRIMARY KEY (user_id, course_id)
                )
                """).run()
            // What a learner may read: granted by `lectern grant` or a payment; a revoked row is
            // kept (with its time) so a later grant is a change, not a new fact.
            try await db.raw("""
                CREATE TABLE entitlements (
                    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    offer_id TEXT NOT NULL,
                    source TEXT NOT NULL,
                    reference TEXT,
                    granted_at BIGINT NOT NULL,
                    revoked_at BIGINT,
                    PRIMARY KEY (user_id, offer_id)
                )
                """).run()
            try await db.raw("""
                CREATE TABLE lesson_completions (
                    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    lesson_id TEXT NOT NULL,
                    course_id TEXT NOT NULL,
                    completed_at BIGINT NOT NULL,
                    PRIMARY KEY (user_id, lesson_id)
                )
                """).run()
            try await db.raw("""
                CREATE TABLE last_visits (
                    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    course_id TEXT NOT NULL,
                    lesson_id TEXT NOT NULL,
                    visited_at BIGINT NOT NULL,
                    PRIMARY KEY (user_id, course_id)
                )
                """).run()
            try await db.raw("""
                CREATE TABLE quiz_attempts (
                    id TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    lesson_id TEXT NOT NULL,
                    quiz_id TEXT NOT NULL,
                    number INTEGER NOT NULL,
                    score DOUBLE PRECISION NOT NULL,
                    passed INTEGER NOT NULL,
                    result TEXT NOT NULL,
                    idempotency_key TEXT,
                    created_at BIGINT NOT NULL,
                    UNIQUE (user_id, lesson_id, quiz_id, number),
                    UNIQUE (user_id, idempotency_key)
                )
                """).run()
            // One row per question per attempt, for the authors' answer distributions.
            try await db.raw("""
                CREATE TABLE quiz_answers (
                    attempt_id TEXT NOT NULL REFERENCES quiz_attempts (id) ON DELETE CASCADE,
                    lesson_id TEXT NOT NULL,
                    quiz_id TEXT NOT NULL,
                    question_id TEXT NOT NULL,
                    answer TEXT NOT NULL,
                    correct INTEGER NOT NULL,
                    PRIMARY KEY (attempt_id, question_id)
                )
                """).run()
            try await db.raw("CREATE INDEX quiz_answers_question ON quiz_answers (lesson_id, quiz_id, question_id)").run()
            try await db.raw("""
                CREATE TABLE certificates (
                    id TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    course_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    course_title TEXT NOT NULL,
                    issued_at BIGINT NOT NULL,
                    UNIQUE (user_id, course_id)
                )
                """).run()
        },
        // Payments: an entitlement may run out (a failed renewal's grace period), and every
        // change is kept with its cause (a payment event id, or the admin who granted it).
        Migration(2, "entitlement expiry and history") { db in
            try await db.raw("ALTER TABLE entitlements ADD COLUMN expires_at BIGINT").run()
            try await db.raw("""
                CREATE TABLE entitlement_history (
                    id TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL,
                    offer_id TEXT NOT NULL,
                    change TEXT NOT NULL,
                    cause TEXT NOT NULL,
                    at BIGINT NOT NULL
                )
                """).run()
            try await db.raw("CREATE INDEX entitlement_history_user ON entitlement_history (user_id, at)").run()
        },
    ])
}
