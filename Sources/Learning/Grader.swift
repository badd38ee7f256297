import Foundation
import SiteModel

/// Grades a quiz attempt against the answer key in the private manifest. Every question is worth
/// one point; a multiple-select question is right only with exactly the right set. Feedback is
/// the explanation of each option the learner chose (right or wrong) and, once the question is
/// answered, the question's own explanation.
public struct Grader: Sendable {
    public struct QuestionResult: Sendable, Codable, Equatable {
        public var correct: Bool
        public var feedback: String?
        /// The right answer, present only when the reveal policy allows.
        public var answer: QuizAnswer?
    }

    public struct Result: Sendable, Codable, Equatable {
        public var score: Double
        public var passed: Bool
        public var questions: [String: QuestionResult]

        public var wrong: [String] { questions.filter { !$0.value.correct }.map(\.key).sorted() }
    }

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case unknownQuestion(String)
        case wrongShape(question: String, expected: String)
        case unknownOption(question: String, option: String)

        public var description: String {
            switch self {
            case .unknownQuestion(let id): "'\(id)' is not a question of this quiz."
            case .wrongShape(let id, let expected): "The answer to '\(id)' must be \(expected)."
            case .unknownOption(let id, let option): "'\(option)' is not an option of '\(id)'."
            }
        }

        public var field: String {
            switch self {
            case .unknownQuestion(let id), .wrongShape(let id, _), .unknownOption(let id, _): "answers.\(id)"
            }
        }
    }

    public let quiz: Quiz

    public init(quiz: Quiz) {
        self.quiz = quiz
    }

    /// Grades `answers`. With `carrying`, a retry of only the wrong questions: questions not
    /// answered now keep their earlier result. An unanswered question is wrong.
    public func grade(_ answers: [String: QuizAnswer], carrying previous: [String: QuestionResult]? = nil) throws -> Result {
        let ids = Set(quiz.questions.map(\.id))
        for id in answers.keys where !ids.contains(id) { throw Problem.unknownQuestion(id) }
        var results: [String: QuestionResult] = [:]
        for question in quiz.questions {
            if let answer = answers[question.id] {
                results[question.id] = try grade(question, answer)
            } else if let earlier = previous?[question.id], earlier.correct {
                results[question.id] = QuestionResult(correct: true, feedback: earlier.feedback)
            } else {
                results[question.id] = QuestionResult(correct: false, feedback: nil)
            }
        }
        let right = results.values.filter(\.correct).count
        let score = quiz.questions.isEmpty ? 1 : Double(right) / Double(quiz.questions.count)
        return Result(score: score, passed: score + 1e-9 >= quiz.passMark, questions: results)
    }

    /// Adds the right answers to a result (when the reveal policy allows it).
    public func revealing(_ result: Result) -> Result {
        var result = result
        for question in quiz.questions {
            result.questions[question.id]?.answer = Self.rightAnswer(question)
        }
        return result
    }

    public static func rightAnswer(_ question: Question) -> QuizAnswer? {
        switch question.kind {
        case .single, .multiple, .trueFalse: .choices(question.options.filter(\.correct).map(\.id))
        case .short: question.accepted.first.map(QuizAnswer.text)
        case .numeric: question.number.map(QuizAnswer.number)
        case .ordering: .choices(question.order)
        case .tracing: .trace(compiles: question.compiles ?? true, output: question.output, line: question.errorLine)
        }
    }

    func grade(_ question: Question, _ answer: QuizAnswer) throws -> QuestionResult {
        switch question.kind {
        case .single, .multiple, .trueFalse:
            let chosen: [String]
            switch answer {
            case .choices(let list): chosen = list
            case .text(let one): chosen = [one]
            default: throw Problem.wrongShape(question: question.id, expected: "a list of option ids")
            }
            let options = Dictionary(question.options.map { ($0.id, $0) }) { first, _ in first }
            for id in chosen where options[id] == nil { throw Problem.unknownOption(question: question.id, option: id) }
            if question.kind != .multiple && chosen.count > 1 {
                throw Problem.wrongShape(question: question.id, expected: "one option id")
            }
            let right = Set(question.options.filter(\.correct).map(\.id))
            let correct = Set(chosen) == right
            let notes = chosen.compactMap { options[$0]?.explanation } + [question.explanation].compactMap { $0 }
            return QuestionResult(correct: correct, feedback: notes.isEmpty ? nil : notes.joined(separator: " "))
        case .short:
            let text: String
            switch answer {
            case .text(let value): text = value
            case .number(let value): text = value.formatted(.number.grouping(.never))
            default: throw Problem.wrongShape(question: question.id, expected: "a text")
            }
            let given = Self.normalise(text)
            var correct = question.accepted.contains { Self.normalise($0) == given }
            if !correct, let pattern = question.pattern, let regex = try? Regex(pattern).ignoresCase() {
                correct = (try? regex.wholeMatch(in: text.trimmingCharacters(in: .whitespacesAndNewlines))) != nil
            }
            return QuestionResult(correct: correct, feedback: question.explanation)
        case .numeric:
            let value: Double?
            switch answer {
            case .number(let number): value = number
            case .text(let text): value = Double(text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "."))
            default: value = nil
            }
            guard let value else { throw Problem.wrongShape(question: question.id, expected: "a number") }
            let correct = question.number.map { abs($0 - value) <= question.tolerance + 1e-9 } ?? false
            return QuestionResult(correct: correct, feedback: question.explanation)
        case .ordering:
            guard case .choices(let order) = answer else { throw Problem.wrongShape(question: question.id, expected: "the item ids in order") }
            let items = Set(question.options.map(\.id))
            for id in order where !items.contains(id) { throw Problem.unknownOption(question: question.id, option: id) }
            return QuestionResult(correct: order == question.order, feedback: question.explanation)
        case .tracing:
            guard case .trace(let compiles, let output, let line) = answer else {
                throw Problem.wrongShape(question: question.id, expected: "{compiles, output} or {compiles: false, line}")
            }
            let expectsCompile = question.compiles ?? true
            guard let compiles else { return QuestionResult(correct: false, feedback: nil) }
            var correct = compiles == expectsCompile
            if correct && expectsCompile {
                correct = Self.normaliseOutput(output ?? "") == Self.normaliseOutput(question.output ?? "")
            } else if correct, let errorLine = question.errorLine {
                correct = line == errorLine
            }
            return QuestionResult(correct: correct, feedback: question.explanation)
        }
    }

    /// Case and runs of whitespace do not matter in a short answer.
    static func normalise(_ text: String) -> String {
        text.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Program output compared line by line, trailing spaces and blank end lines ignored.
    static func normaliseOutput(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.replacingOccurrences(of: "\r", with: "").trimmingCharacters(in: .whitespaces) }
            .joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
