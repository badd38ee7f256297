import Foundation
import Synchronization
import SQLKit
import Store

/// Learning records in the store, for the progress function, the access check and the CLI.
public struct LearnerStore: Sendable {
    public struct Attempt: Sendable, Equatable {
        public let id: String
        public let number: Int
        public let score: Double
        public let passed: Bool
        public let result: Grader.Result
        public let createdAt: Int
    }

    public struct Certificate: Sendable, Equatable, Codable {
        public let id: String
        public let userID: String
        public let courseID: String
        public let name: String
        public let courseTitle: String
        public let issuedAt: Int
    }

    public let store: Store

    public init(store: Store) {
        self.store = store
    }

    public static func now() -> Int { Int(Date().timeIntervalSince1970) }

    /// Everything the access rules need about a learner, in one round trip (this runs on every
    /// gated page and every progress call).
    public func state(userID: String, readsEverything: Bool = false) async throws -> LearnerState {
        let now = LearnerStore.now()
        let rows = try await store.read { db in
            try await db.raw("""
                SELECT 'o' AS kind, offer_id AS a, '' AS b, 0 AS at FROM entitlements
                    WHERE user_id = \(bind: userID) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > \(bind: now))
                UNION ALL SELECT 'e', course_id, '', enrolled_at FROM enrolments WHERE user_id = \(bind: userID)
                UNION ALL SELECT 'c', lesson_id, '', 0 FROM lesson_completions WHERE user_id = \(bind: userID)
                UNION ALL SELECT DISTINCT 'q', lesson_id, quiz_id, 0 FROM quiz_attempts WHERE user_id = \(bind: userID) AND passed = 1
                """).all()
        }
        var state = LearnerState(userID: userID, readsEverything: readsEverything)
        for row in rows {
            let a = try row.decode(column: "a", as: String.self)
            switch try row.decode(column: "kind", as: String.self) {
            case "o": state.offers.insert(a)
            case "e":
                let at = try row.decode(column: "at", as: Int.self)
                state.enrolledAt[a] = min(state.enrolledAt[a] ?? at, at)
            case "c": state.completedLessons.insert(a)
            default: state.passedQuizzes.insert(a + "#" + (try row.decode(column: "b", as: String.self)))
            }
        }
        return state
    }

    /// Enrols on first contact with a course; the first time is kept (drip counts from it).
    public func enrol(userID: String, courseID: String, at now: Int = LearnerStore.now(), on db: (any SQLDatabase)? = nil) async throws {
        let insert: @Sendable (any SQLDatabase) async throws -> Void = { db in
            try await db.raw("""
                INSERT INTO enrolments (user_id, course_id, enrolled_at) VALUES (\(bind: userID), \(bind: courseID), \(bind: now))
                ON CONFLICT (user_id, course_id) DO NOTHING
                """).run()
        }
        if let db { try await insert(db) } else { try await store.withDatabase(insert) }
    }

    /// Idempotent both ways: completing twice keeps the first time; un-completing an open lesson
    /// does nothing.
    public func setCompleted(_ completed: Bool, userID: String, lessonID: String, courseID: String, at now: Int = LearnerStore.now()) async throws {
        try await store.transaction { db in
            try await enrol(userID: userID, courseID: courseID, at: now, on: db)
            if completed {
                try await db.raw("""
                    INSERT INTO lesson_completions (user_id, lesson_id, course_id, completed_at)
                    VALUES (\(bind: userID), \(bind: lessonID), \(bind: courseID), \(bind: now))
                    ON CONFLICT (user_id, lesson_id) DO NOTHING
                    """).run()
            } else {
                try await db.raw("DELETE FROM lesson_completions WHERE user_id = \(bind: userID) AND lesson_id = \(bind: lessonID)").run()
            }
        }
    }

    public func visit(userID: String, lessonID: String, courseID: String, at now: Int = LearnerStore.now()) async throws {
        try await store.transaction { db in
            try await enrol(userID: userID, courseID: courseID, at: now, on: db)
            try await db.raw("""
                INSERT INTO last_visits (user_id, course_id, lesson_id, visited_at) VALUES (\(bind: userID), \(bind: courseID), \(bind: lessonID), \(bind: now))
                ON CONFLICT (user_id, course_id) DO UPDATE SET lesson_id = excluded.lesson_id, visited_at = excluded.visited_at
                """).run()
        }
    }

    /// Course id → the last lesson visited.
    public func lastVisits(userID: String) async throws -> [String: String] {
        try await store.withDatabase { db in
            let rows = try await db.raw("SELECT course_id, lesson_id FROM last_visits WHERE user_id = \(bind: userID)").all()
            return Dictionary(try rows.map { (try $0.decode(column: "course_id", as: String.self), try $0.decode(column: "lesson_id", as: String.self)) }) { first, _ in first }
        }
    }

    public func attempts(userID: String, lessonID: String, quizID: String) async throws -> [Attempt] {
        try await store.withDatabase { db in
            try await db.raw("""
                SELECT * FROM quiz_attempts WHERE user_id = \(bind: userID) AND lesson_id = \(bind: lessonID) AND quiz_id = \(bind: quizID)
                ORDER BY number
                """).all().map(Self.attempt)
        }
    }

    static func attempt(_ row: any SQLRow) throws -> Attempt {
        let resultText = try row.decode(column: "result", as: String.self)
        let result = try JSONDecoder().decode(Grader.Result.self, from: Data(resultText.utf8))
        return Attempt(id: try row.decode(column: "id", as: String.self), number: try row.decode(column: "number", as: Int.self),
                       score: try row.decode(column: "score", as: Double.self), passed: try row.decode(column: "passed", as: Int.self) == 1,
                       result: result, createdAt: try row.decode(column: "created_at", as: Int.self))
    }

    /// The attempt an earlier request with this idempotency key recorded (keys are scoped to the
    /// learner and the quiz).
    public func replayed(userID: String, lessonID: String, quizID: String, idempotencyKey: String) async throws -> Attempt? {
        let key = Self.scopedKey(idempotencyKey, lessonID: lessonID, quizID: quizID)
        return try await store.withDatabase { db in
            try await db.raw("SELECT * FROM quiz_attempts WHERE user_id = \(bind: userID) AND idempotency_key = \(bind: key)").first().map(Self.attempt)
        }
    }

    static func scopedKey(_ key: String, lessonID: String, quizID: String) -> String {
        "\(lessonID)#\(quizID)#\(key)"
    }

    /// Best score and whether passed, per `lesson-id#quiz-id`, for the dashboard.
    public func quizScores(userID: String) async throws -> [String: (best: Double, passed: Bool, attempts: Int)] {
        try await store.withDatabase { db in
            let rows = try await db.raw("""
                SELECT lesson_id, quiz_id, MAX(score) AS best, MAX(passed) AS passed, COUNT(*) AS attempts
                FROM quiz_attempts WHERE user_id = \(bind: userID) GROUP BY lesson_id, quiz_id
                """).all()
            var scores: [String: (best: Double, passed: Bool, attempts: Int)] = [:]
            for row in rows {
                let key = try row.decode(column: "lesson_id", as: String.self) + "#" + row.decode(column: "quiz_id", as: String.self)
                scores[key] = (try row.decode(column: "best", as: Double.self), try row.decode(column: "passed", as: Int.self) == 1,
                               try row.decode(column: "attempts", as: Int.self))
            }
            return scores
        }
    }

    public enum AttemptOutcome: Sendable {
        case recorded(Attempt)
        /// The same `Idempotency-Key` was seen before: the attempt it recorded.
        case replayed(Attempt)
        case noAttemptsLeft(limit: Int)
    }

    /// Stores a graded attempt with its answers; numbers attempts; refuses past the limit; a
    /// resent request (same idempotency key) gets the first answer back and stores nothing.
    public func record(userID: String, courseID: String, lessonID: String, quizID: String, limit: Int?,
                       answers: [String: QuizAnswer], result: Grader.Result, idempotencyKey: String?,
                       at now: Int = LearnerStore.now()) async throws -> AttemptOutcome {
        let encoded = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
        let idempotencyKey = idempotencyKey.map { Self.scopedKey($0, lessonID: lessonID, quizID: quizID) }
        return try await store.transaction { db in
            if let idempotencyKey, let row = try await db.raw("""
                SELECT * FROM quiz_attempts WHERE user_id = \(bind: userID) AND idempotency_key = \(bind: idempotencyKey)
                """).first() {
                return .replayed(try Self.attempt(row))
            }
            let count = try await db.raw("""
                SELECT COUNT(*) AS n FROM quiz_attempts WHERE user_id = \(bind: userID) AND lesson_id = \(bind: lessonID) AND quiz_id = \(bind: quizID)
                """).first()?.decode(column: "n", as: Int.self) ?? 0
            if let limit, count >= limit { return .noAttemptsLeft(limit: limit) }
            try await enrol(userID: userID, courseID: courseID, at: now, on: db)
            let id = UUID().uuidString.lowercased()
            try await db.raw("""
                INSERT INTO quiz_attempts (id, user_id, lesson_id, quiz_id, number, score, passed, result, idempotency_key, created_at)
                VALUES (\(bind: id), \(bind: userID), \(bind: lessonID), \(bind: quizID), \(bind: count + 1), \(bind: result.score),
                        \(bind: result.passed ? 1 : 0), \(bind: encoded), \(bind: idempotencyKey), \(bind: now))
                """).run()
            for (questionID, answer) in answers {
                try await db.raw("""
                    INSERT INTO quiz_answers (attempt_id, lesson_id, quiz_id, question_id, answer, correct)
                    VALUES (\(bind: id), \(bind: lessonID), \(bind: quizID), \(bind: questionID), \(bind: answer.summary),
                            \(bind: result.questions[questionID]?.correct == true ? 1 : 0))
                    """).run()
            }
            return .recorded(Attempt(id: id, number: count + 1, score: result.score, passed: result.passed, result: result, createdAt: now))
        }
    }

    // MARK: Entitlements

    /// Grants (or re-grants) an offer; `expiresAt` bounds it (a grace period). The change and
    /// its cause go into the entitlement history. Returns whether anything changed.
    @discardableResult
    public func grant(userID: String, offerID: String, source: String, reference: String? = nil, expiresAt: Int? = nil,
                      cause: String? = nil, at now: Int = LearnerStore.now(), on db: (any SQLDatabase)? = nil) async throws -> Bool {
        let work: @Sendable (any SQLDatabase) async throws -> Bool = { db in
            let current = try await db.raw("""
                SELECT revoked_at, expires_at FROM entitlements WHERE user_id = \(bind: userID) AND offer_id = \(bind: offerID)
                """).first()
            if let current, try current.decode(column: "revoked_at", as: Int?.self) == nil,
               try current.decode(column: "expires_at", as: Int?.self) == expiresAt {
                return false
            }
            try await db.raw("""
                INSERT INTO entitlements (user_id, offer_id, source, reference, granted_at, expires_at)
                VALUES (\(bind: userID), \(bind: offerID), \(bind: source), \(bind: reference), \(bind: now), \(bind: expiresAt))
                ON CONFLICT (user_id, offer_id) DO UPDATE SET source = excluded.source, reference = excluded.reference,
                    granted_at = excluded.granted_at, revoked_at = NULL, expires_at = excluded.expires_at
                """).run()
            try await Self.history(userID: userID, offerID: offerID, change: expiresAt == nil ? "granted" : "granted until \(expiresAt!)",
                                   cause: cause ?? source, at: now, on: db)
            return true
        }
        if let db { return try await work(db) }
        return try await store.transaction(work)
    }

    /// False when there was no live entitlement to revoke.
    @discardableResult
    public func revoke(userID: String, offerID: String, cause: String = "lectern revoke", at now: Int = LearnerStore.now(),
                       on db: (any SQLDatabase)? = nil) async throws -> Bool {
        let work: @Sendable (any SQLDatabase) async throws -> Bool = { db in
            let changed = !(try await db.raw("""
                UPDATE entitlements SET revoked_at = \(bind: now) WHERE user_id = \(bind: userID) AND offer_id = \(bind: offerID) AND revoked_at IS NULL
                RETURNING offer_id
                """).all()).isEmpty
            if changed { try await Self.history(userID: userID, offerID: offerID, change: "revoked", cause: cause, at: now, on: db) }
            return changed
        }
        if let db { return try await work(db) }
        return try await store.transaction(work)
    }

    /// History ids sort in the order changes were made (milliseconds, then a per-process
    /// counter), so two changes within one second still list in order.
    static let historyCounter = Mutex<Int>(0)

    static func historyID() -> String {
        let milliseconds = Int(Date().timeIntervalSince1970 * 1000)
        let count = historyCounter.withLock { value in
            value = (value + 1) % 1_000_000
            return value
        }
        return String(format: "%014d-%06d-", milliseconds, count) + UUID().uuidString.prefix(8).lowercased()
    }

    static func history(userID: String, offerID: String, change: String, cause: String, at now: Int, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO entitlement_history (id, user_id, offer_id, change, cause, at)
            VALUES (\(bind: historyID()), \(bind: userID), \(bind: offerID), \(bind: change), \(bind: cause), \(bind: now))
            """).run()
    }

    public struct HistoryEntry: Sendable, Equatable {
        public let userID: String
        public let offerID: String
        public let change: String
        public let cause: String
        public let at: Int
    }

    /// Newest first; one user's, or everyone's.
    public func entitlementHistory(userID: String? = nil, limit: Int = 200) async throws -> [HistoryEntry] {
        try await store.withDatabase { db in
            let rows = if let userID {
                try await db.raw("SELECT * FROM entitlement_history WHERE user_id = \(bind: userID) ORDER BY id DESC LIMIT \(unsafeRaw: String(limit))").all()
            } else {
                try await db.raw("SELECT * FROM entitlement_history ORDER BY id DESC LIMIT \(unsafeRaw: String(limit))").all()
            }
            return try rows.map { row in
                HistoryEntry(userID: try row.decode(column: "user_id", as: String.self), offerID: try row.decode(column: "offer_id", as: String.self),
                             change: try row.decode(column: "change", as: String.self), cause: try row.decode(column: "cause", as: String.self),
                             at: try row.decode(column: "at", as: Int.self))
            }
        }
    }

    // MARK: Certificates

    /// Issues the course's certificate once; a second call returns the first.
    public func issueCertificate(userID: String, courseID: String, name: String, courseTitle: String, at now: Int = LearnerStore.now()) async throws -> Certificate {
        try await store.transaction { db in
            if let existing = try await db.raw("SELECT * FROM certificates WHERE user_id = \(bind: userID) AND course_id = \(bind: courseID)").first() {
                return try Self.certificate(existing)
            }
            // 16 random bytes as 32 hex digits: unguessable, and short enough to read out.
            let id = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
            try await db.raw("""
                INSERT INTO certificates (id, user_id, course_id, name, course_title, issued_at)
                VALUES (\(bind: id), \(bind: userID), \(bind: courseID), \(bind: name), \(bind: courseTitle), \(bind: now))
                """).run()
            return Certificate(id: id, userID: userID, courseID: courseID, name: name, courseTitle: courseTitle, issuedAt: now)
        }
    }

    public func certificate(id: String) async throws -> Certificate? {
        guard id.count == 32, id.allSatisfy(\.isHexDigit) else { return nil }
        return try await store.withDatabase { db in
            try await db.raw("SELECT * FROM certificates WHERE id = \(bind: id.lowercased())").first().map(Self.certificate)
        }
    }

    public func certificates(userID: String) async throws -> [Certificate] {
        try await store.withDatabase { db in
            try await db.raw("SELECT * FROM certificates WHERE user_id = \(bind: userID) ORDER BY issued_at").all().map(Self.certificate)
        }
    }

    static func certificate(_ row: any SQLRow) throws -> Certificate {
        Certificate(id: try row.decode(column: "id", as: String.self), userID: try row.decode(column: "user_id", as: String.self),
                    courseID: try row.decode(column: "course_id", as: String.self), name: try row.decode(column: "name", as: String.self),
                    courseTitle: try row.decode(column: "course_title", as: String.self), issuedAt: try row.decode(column: "issued_at", as: Int.self))
    }
}
