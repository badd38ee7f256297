import Foundation
import SQLKit
import SiteModel
import Store

/// What authors need to improve a course: per lesson, how many learners completed it and how
/// many of those who finished the lesson before stopped here (drop-off); per question, what
/// learners answered and how often that was right — a wrong answer many pick is a question
/// that misleads.
public struct CourseReport: Sendable {
    public struct LessonLine: Sendable, Equatable {
        public let lessonID: String
        public let title: String
        public let completed: Int
        /// Share (0…1) of learners who completed the previous lesson but not this one.
        public let dropOff: Double
    }

    public struct AnswerCount: Sendable, Equatable {
        public let answer: String
        public let correct: Bool
        public let count: Int
    }

    public struct QuestionLine: Sendable, Equatable {
        public let lessonID: String
        public let quizID: String
        public let questionID: String
        public let prompt: String
        public let answers: [AnswerCount]
        public var total: Int { answers.reduce(0) { $0 + $1.count } }
        public var correctShare: Double { total == 0 ? 0 : Double(answers.filter(\.correct).reduce(0) { $0 + $1.count }) / Double(total) }
    }

    public let courseID: String
    public let enrolled: Int
    public let lessons: [LessonLine]
    public let questions: [QuestionLine]

    public static func make(course: Manifest.CourseEntry, store: Store) async throws -> CourseReport {
        let lessons = course.modules.flatMap(\.lessons)
        let ids = lessons.map(\.id)
        return try await store.withDatabase { db in
            let enrolled = try await db.raw("SELECT COUNT(*) AS n FROM enrolments WHERE course_id = \(bind: course.id)").first()?
                .decode(column: "n", as: Int.self) ?? 0
            let rows = try await db.raw("SELECT user_id, lesson_id FROM lesson_completions WHERE course_id = \(bind: course.id)").all()
            var completers: [String: Set<String>] = [:]
            for row in rows {
                completers[try row.decode(column: "lesson_id", as: String.self), default: []].insert(try row.decode(column: "user_id", as: String.self))
            }
            var lines: [LessonLine] = []
            var previous: Set<String>?
            for lesson in lessons {
                let done = completers[lesson.id] ?? []
                var dropOff = 0.0
                if let previous, !previous.isEmpty {
                    dropOff = Double(previous.subtracting(done).count) / Double(previous.count)
                }
                lines.append(LessonLine(lessonID: lesson.id, title: lesson.title, completed: done.count, dropOff: dropOff))
                previous = done
            }
            var questions: [QuestionLine] = []
            let counts = try await db.raw("""
                SELECT lesson_id, quiz_id, question_id, answer, correct, COUNT(*) AS n FROM quiz_answers
                GROUP BY lesson_id, quiz_id, question_id, answer, correct
                """).all()
            var grouped: [String: [AnswerCount]] = [:]
            for row in counts {
                let lessonID = try row.decode(column: "lesson_id", as: String.self)
                guard ids.contains(lessonID) else { continue }
                let key = lessonID + "\u{1}" + (try row.decode(column: "quiz_id", as: String.self)) + "\u{1}" + (try row.decode(column: "question_id", as: String.self))
                grouped[key, default: []].append(AnswerCount(answer: try row.decode(column: "answer", as: String.self),
                                                             correct: try row.decode(column: "correct", as: Int.self) == 1,
                                                             count: try row.decode(column: "n", as: Int.self)))
            }
            for lesson in lessons {
                for quiz in lesson.quizzes ?? [] {
                    for question in quiz.questions {
                        let answers = grouped[lesson.id + "\u{1}" + quiz.id + "\u{1}" + question.id] ?? []
                        questions.append(QuestionLine(lessonID: lesson.id, quizID: quiz.id, questionID: question.id, prompt: question.prompt,
                                                      answers: answers.sorted { $0.count != $1.count ? $0.count > $1.count : $0.answer < $1.answer }))
                    }
                }
            }
            return CourseReport(courseID: course.id, enrolled: enrolled, lessons: lines, questions: questions)
        }
    }

    public var json: [String: Any] {
        ["course": courseID, "enrolled": enrolled,
         "lessons": lessons.map { ["id": $0.lessonID, "title": $0.title, "completed": $0.completed, "drop_off": $0.dropOff] },
         "questions": questions.map { line in
             ["lesson": line.lessonID, "quiz": line.quizID, "question": line.questionID, "prompt": line.prompt, "total": line.total,
              "correct_share": line.correctShare,
              "answers": line.answers.map { ["answer": $0.answer, "correct": $0.correct, "count": $0.count] }] as [String: Any]
         }]
    }
}
