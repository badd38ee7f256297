import Accounts
import FunctionKit
import Foundation
import HTTPTypes
import Hummingbird
import Learning
import SiteModel

/// Quiz attempts, graded here against the private answer key: the score, per-question
/// feedback, and the right answers only when the quiz's reveal policy allows.
struct QuizRoutes: Sendable {
    let services: ProgressServices

    struct Submission: Decodable {
        let answers: [String: QuizAnswer]
        /// "Retry only what I got wrong": questions not sent keep the last attempt's result.
        let onlyWrong: Bool?
        enum CodingKeys: String, CodingKey { case answers, onlyWrong = "only_wrong" }
    }

    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!

    func add(to routes: FunctionRoutes) {
        routes.on(.post, "/api/progress/quizzes/{lesson}/{quiz}/attempts") { request, context in try await attempt(request, context) }
        routes.on(.get, "/api/progress/quizzes/{lesson}/{quiz}") { request, context in try await summary(request, context) }
    }

    func quiz(_ context: FunctionContext) throws -> (CourseCatalog.Found, Quiz) {
        let found = try services.catalog.lesson(try context.parameters.require("lesson"))
        let rawQuiz = try context.parameters.require("quiz")
        let quizID = rawQuiz.removingPercentEncoding ?? rawQuiz
        guard let quiz = found.lesson.quizzes?.first(where: { $0.id == quizID }) else {
            throw APIError.notFound("The lesson '\(found.lesson.id)' has no quiz '\(quizID)'.")
        }
        return (found, quiz)
    }

    func attempt(_ request: Request, _ context: FunctionContext) async throws -> Response {
        let (caller, state) = try await services.learner(request, context)
        let (found, quiz) = try quiz(context)
        try services.requireOpen(found, for: state)
        let key = request.headers[Self.idempotencyKey].map { String($0.prefix(100)) }
        let grader = Grader(quiz: quiz)
        // A resent request gets the first answer back, whatever its body.
        if let key, let replay = try await services.learners.replayed(userID: caller.userID, lessonID: found.lesson.id, quizID: quiz.id, idempotencyKey: key) {
            let attempts = try await services.learners.attempts(userID: caller.userID, lessonID: found.lesson.id, quizID: quiz.id)
            return ProgressServices.json(.ok, answer(for: replay, attempts: attempts, quiz: quiz, grader: grader))
        }
        let submission = try await request.decodeJSON(Submission.self, limit: ProgressServices.bodyLimit)
        let earlier = try await services.learners.attempts(userID: caller.userID, lessonID: found.lesson.id, quizID: quiz.id)
        let result: Grader.Result
        do {
            result = try grader.grade(submission.answers, carrying: submission.onlyWrong == true ? earlier.last?.result.questions : nil)
        } catch let problem as Grader.Problem {
            throw APIError.invalid(problem.field, problem.description)
        }
        let outcome = try await services.learners.record(
            userID: caller.userID, courseID: found.course.id, lessonID: found.lesson.id, quizID: quiz.id, limit: quiz.attempts,
            answers: submission.answers, result: result, idempotencyKey: key)
        let recorded: LearnerStore.Attempt
        switch outcome {
        case .recorded(let attempt), .replayed(let attempt):
            recorded = attempt
        case .noAttemptsLeft(let limit):
            throw APIError(.conflict, code: "no_attempts_left", message: "This quiz allows \(limit) attempts, and you have used them all.")
        }
        let all = earlier.filter { $0.id != recorded.id } + [recorded]
        var body = answer(for: recorded, attempts: all, quiz: quiz, grader: grader)
        // Passing the last quiz can be what finishes the course.
        if recorded.passed, let certificate = try await services.certificateIfFinished(caller: caller, course: found.course, readsEverything: state.readsEverything) {
            body["certificate"] = CertificateRoutes.json(certificate, siteURL: services.siteURL)
        }
        return ProgressServices.json(.ok, body)
    }

    func summary(_ request: Request, _ context: FunctionContext) async throws -> Response {
        let (caller, state) = try await services.learner(request, context)
        let (found, quiz) = try quiz(context)
        try services.requireOpen(found, for: state)
        let attempts = try await services.learners.attempts(userID: caller.userID, lessonID: found.lesson.id, quizID: quiz.id)
        var body: [String: Any] = [
            "quiz": quiz.id, "lesson": found.lesson.id, "pass_mark": quiz.passMark,
            "attempts": attempts.map { ["number": $0.number, "score": $0.score, "passed": $0.passed, "created_at": $0.createdAt] },
            "passed": attempts.contains { $0.passed },
            "best_score": attempts.map(\.score).max() as Any,
            "attempts_left": quiz.attempts.map { max(0, $0 - attempts.count) } as Any,
        ]
        if let last = attempts.last { body["wrong"] = last.result.wrong }
        return ProgressServices.json(.ok, body)
    }

    /// The reveal policy: right answers after passing (any attempt), after N attempts, or never.
    static func reveals(_ quiz: Quiz, attempts: [LearnerStore.Attempt]) -> Bool {
        switch quiz.reveal {
        case .never: false
        case .afterPassing: attempts.contains { $0.passed }
        case .afterAttempts(let count): attempts.count >= count
        }
    }

    func answer(for attempt: LearnerStore.Attempt, attempts: [LearnerStore.Attempt], quiz: Quiz, grader: Grader) -> [String: Any] {
        let revealed = Self.reveals(quiz, attempts: attempts)
        let result = revealed ? grader.revealing(attempt.result) : attempt.result
        var questions: [String: Any] = [:]
        for (id, outcome) in result.questions {
            var entry: [String: Any] = ["correct": outcome.correct]
            if let feedback = outcome.feedback { entry["feedback"] = feedback }
            if let answer = outcome.answer, let data = try? JSONEncoder().encode(answer), let value = try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed) {
                entry["answer"] = value
            }
            questions[id] = entry
        }
        return ["attempt": attempt.number, "score": attempt.score, "passed": attempt.passed, "questions": questions,
                "wrong": attempt.result.wrong, "revealed": revealed,
                "attempts_left": quiz.attempts.map { max(0, $0 - attempts.count) } as Any]
    }
}
