@testable import Accounts
import Foundation
import FunctionKit
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Learning
@testable import ProgressFunction
import SiteModel
import SQLKit
import Store
import Testing

/// A private output with a hand-made manifest (one course with every access rule, one short
/// course for certificates), accounts made directly in the store, and the progress function.
struct ProgressHarness {
    let database: String
    let privateDirectory: String
    let config: FunctionConfig

    init(database: String) throws {
        self.database = database
        privateDirectory = FunctionTestSupport.temporaryFolder() + "/private"
        try FileManager.default.createDirectory(atPath: privateDirectory, withIntermediateDirectories: true)
        config = try FunctionTestSupport.config(name: "progress", database: database, extra: [
            "LECTERN_PRIVATE_DIR": privateDirectory, "SITE_URL": "http://localhost:8080", "AUTH_SECRET": AuthHarness.secret,
        ])
        try write(Self.manifest())
    }

    func write(_ manifest: Manifest) throws {
        let data = try JSONEncoder().encode(manifest)
        try data.write(to: URL(fileURLWithPath: privateDirectory + "/manifest.json"), options: .atomic)
    }

    static let quiz = Quiz(id: "check", title: "Check", passMark: 0.8, attempts: 4, shuffle: false, reveal: .afterPassing, questions: [
        Question(id: "q1", kind: .single, prompt: "Best brief?", options: [
            .init(id: "a", text: "Vague", correct: false, explanation: "Vague briefs get vague copy."),
            .init(id: "b", text: "Specific", correct: true, explanation: "Specific wins."),
        ], line: 1),
        Question(id: "q2", kind: .multiple, prompt: "Which are channels?", options: [
            .init(id: "a", text: "Email", correct: true, explanation: nil), .init(id: "b", text: "Tuesday", correct: false, explanation: nil),
            .init(id: "c", text: "Search ads", correct: true, explanation: nil),
        ], line: 2),
        Question(id: "q3", kind: .short, prompt: "The acronym for a call to action?", accepted: ["CTA"], explanation: "CTA: call to action.", line: 3),
        Question(id: "q4", kind: .numeric, prompt: "Max characters in a Google Ads headline?", number: 30, tolerance: 0, line: 4),
        Question(id: "q5", kind: .ordering, prompt: "Order the funnel", options: [
            .init(id: "x", text: "Awareness", correct: false, explanation: nil), .init(id: "y", text: "Interest", correct: false, explanation: nil),
            .init(id: "z", text: "Action", correct: false, explanation: nil),
        ], order: ["x", "y", "z"], line: 5),
    ], line: 1)

    static func lesson(_ id: String, _ order: Int, _ access: Access, quizzes: [Quiz] = [], requires: [String]? = nil,
                       afterDays: Int? = nil, from: String? = nil) -> Manifest.LessonEntry {
        var entry = Manifest.LessonEntry(id: id, title: id.split(separator: "/").last.map(String.init) ?? id, url: "/courses/\(id)/", order: order,
                                         access: access, duration: 5, privatePath: access == .paid ? "courses/\(id)/index.html" : nil,
                                         quizzes: quizzes.isEmpty ? nil : quizzes)
        entry.requires = requires
        entry.availableAfterDays = afterDays
        entry.availableFrom = from
        return entry
    }

    static func manifest(reordered: Bool = false) -> Manifest {
        var lessons = [
            lesson("ai/basics/intro", 1, .free),
            lesson("ai/basics/prompts", 2, .preview, quizzes: [quiz]),
            lesson("ai/basics/deep-dive", 3, .paid, requires: ["ai/basics/prompts#check"]),
            lesson("ai/basics/week-two", 4, .paid, afterDays: 7),
            lesson("ai/basics/launch", 5, .paid, from: "2099-01-01"),
        ]
        if reordered { lessons.reverse() }
        let tiny = Quiz(id: "final", title: "Final", passMark: 1, attempts: nil, shuffle: false, reveal: .never, questions: [
            Question(id: "t", kind: .trueFalse, prompt: "Done?", options: [.init(id: "true", text: "True", correct: true, explanation: nil),
                                                                         .init(id: "false", text: "False", correct: false, explanation: nil)], line: 1),
        ], line: 1)
        return Manifest(version: "test", site: .init(title: "Test School", baseURL: "http://localhost:8080"), courses: [
            .init(id: "ai", title: "AI Marketing", url: "/courses/ai/", offer: "pro", modules: [
                .init(id: "basics", title: "Basics", url: "/courses/ai/basics/", order: 1, lessons: lessons),
            ]),
            .init(id: "mini", title: "Mini Course", url: "/courses/mini/", offer: nil, modules: [
                .init(id: "only", title: "Only", url: "/courses/mini/only/", order: 1, lessons: [
                    lesson("mini/only/one", 1, .free), lesson("mini/only/two", 2, .free, quizzes: [tiny]),
                ]),
            ]),
        ], offers: [.init(id: "pro", name: "AI Marketing Pro", price: 99, currency: "EUR", interval: nil, courses: ["ai"])])
    }

    /// A verified account with a browser session, made directly in the store.
    func account(_ email: String, name: String = "Ada Lovelace", roles: String = "student") async throws -> (id: String, session: BrowserSession) {
        let store = try await Store.open(try DatabaseURL(database))
        try await Migrator(store: store).migrate([AccountsSchema.migrations, LearningSchema.migrations])
        let id = UUID().uuidString.lowercased()
        let started = try await store.transaction { db in
            try await db.raw("""
                INSERT INTO users (id, email, email_verified_at, name, roles, created_at, updated_at)
                VALUES (\(bind: id), \(bind: email), 1, \(bind: name), \(bind: roles), 1, 1)
                """).run()
            return try await SessionStore(store: store, settings: SessionSettings(siteURL: "http://localhost:8080")).start(userID: id, ip: nil, userAgent: nil, on: db)
        }
        await store.close()
        return (id, BrowserSession(cookie: started.token, csrf: started.csrfToken))
    }

    func withLearners<R: Sendable>(_ body: @Sendable (LearnerStore) async throws -> R) async throws -> R {
        let store = try await Store.open(try DatabaseURL(database))
        do {
            let result = try await body(LearnerStore(store: store))
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    static func path(_ lessonID: String) -> String {
        lessonID.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_"))) ?? lessonID
    }
}
