import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Learning
@testable import ProgressFunction
import SiteModel
import Testing

/// The progress API: completing lessons, quizzes graded on the server, the access rules
/// enforced, the dashboard and certificates (issue 5, points 2, 3 and 5).
@Suite struct ProgressTests {
    static let wrongAnswers = #"{"answers":{"q1":["a"],"q2":["a"],"q3":"cta","q4":31,"q5":["x","y","z"]}}"#
    static let fixOnlyWrong = #"{"answers":{"q2":["a","c"],"q4":"30"},"only_wrong":true}"#

    @Test(arguments: FunctionTestSupport.backends)
    func lessonsCompleteIdempotentlyAndProgressIsKeptByLessonID(_ backend: FunctionTestSupport.Backend) async throws {
        try await FunctionTestSupport.withDatabase(backend) { database in
            let harness = try ProgressHarness(database: database)
            let (_, ada) = try await harness.account("ada@example.com")
            try await ProgressFunction.buildApplication(config: harness.config).test(.router) { client in
                #expect(try await client.json(.get, "/api/progress/courses/ai").status == .unauthorized)
                let intro = "/api/progress/lessons/\(ProgressHarness.path("ai/basics/intro"))"
                for _ in 0..<2 {  // a resent click changes nothing
                    let done = try await client.json(.put, intro, #"{"completed":true}"#, headers: ada.headers)
                    #expect(done.status == .ok)
                    #expect((done.object["course"] as? [String: Any])?["completed"] as? Int == 1)
                    #expect((done.object["next"] as? [String: Any])?["id"] as? String == "ai/basics/prompts")
                }
                #expect(try await client.json(.put, intro, #"{"completed":"yes"}"#, headers: ada.headers).errorField == "completed")
                #expect(try await client.json(.put, "/api/progress/lessons/nope", #"{"completed":true}"#, headers: ada.headers).status == .notFound)
                // State changes need the CSRF token, like every session-authenticated write.
                #expect(try await client.json(.put, intro, #"{"completed":true}"#, headers: ada.cookieOnly).status == .forbidden)

                #expect(try await client.json(.post, "/api/progress/lessons/\(ProgressHarness.path("ai/basics/prompts"))/visit", headers: ada.headers).status == .noContent)
                let course = try await client.json(.get, "/api/progress/courses/ai", headers: ada.cookieOnly)
                #expect(course.object["percent"] as? Int == 20)
                #expect((course.object["continue"] as? [String: Any])?["id"] as? String == "ai/basics/prompts")
                #expect(((course.object["modules"] as? [[String: Any]])?.first)?["completed"] as? Int == 1)

                // Files reordered and moved (new URLs, same ids): progress stays.
                try harness.write(ProgressHarness.manifest(reordered: true))
                let after = try await client.json(.get, "/api/progress/courses/ai", headers: ada.cookieOnly)
                #expect(after.object["percent"] as? Int == 20)
                #expect(((after.object["lessons"] as? [String: Any])?["ai/basics/intro"] as? [String: Any])?["completed"] as? Bool == true)

                let undo = try await client.json(.put, intro, #"{"completed":false}"#, headers: ada.headers)
                #expect((undo.object["course"] as? [String: Any])?["completed"] as? Int == 0)
                let dashboard = try await client.json(.get, "/api/progress", headers: ada.cookieOnly)
                #expect(((dashboard.object["courses"] as? [[String: Any]])?.first)?["course"] as? String == "ai", "enrolled by the first visit")
            }
        }
    }

    @Test(arguments: FunctionTestSupport.backends)
    func quizzesAreGradedOnTheServerWithRetryOfWrongOnesAndReveal(_ backend: FunctionTestSupport.Backend) async throws {
        try await FunctionTestSupport.withDatabase(backend) { database in
            let harness = try ProgressHarness(database: database)
            let (_, ada) = try await harness.account("ada@example.com")
            try await ProgressFunction.buildApplication(config: harness.config).test(.router) { client in
                let url = "/api/progress/quizzes/\(ProgressHarness.path("ai/basics/prompts"))/check/attempts"
                var headers = ada.headers
                headers[HTTPField.Name("Idempotency-Key")!] = "attempt-1"
                let first = try await client.json(.post, url, Self.wrongAnswers, headers: headers)
                #expect(first.status == .ok)
                #expect(first.object["passed"] as? Bool == false)
                #expect(first.object["score"] as? Double == 0.4)
                #expect((first.object["wrong"] as? [String])?.sorted() == ["q1", "q2", "q4"])
                let questions = try #require(first.object["questions"] as? [String: [String: Any]])
                #expect(questions["q1"]?["correct"] as? Bool == false)
                #expect((questions["q1"]?["feedback"] as? String)?.contains("Vague briefs") == true)
                #expect(questions["q3"]?["correct"] as? Bool == true, "case does not matter in a short answer")
                #expect(questions.values.allSatisfy { $0["answer"] == nil }, "not revealed before passing")
                #expect(!String(buffer: first.body).contains("Specific wins"), "no explanation of an option not chosen")

                // The browser resends the same request: same attempt, nothing stored twice.
                let resent = try await client.json(.post, url, Self.wrongAnswers, headers: headers)
                #expect(resent.object["attempt"] as? Int == 1)

                let retry = try await client.json(.post, url, Self.fixOnlyWrong, headers: ada.headers)
                #expect(retry.object["attempt"] as? Int == 2)
                #expect(retry.object["score"] as? Double == 0.8)
                #expect(retry.object["passed"] as? Bool == true)
                #expect(retry.object["revealed"] as? Bool == true)
                let revealed = try #require(retry.object["questions"] as? [String: [String: Any]])
                #expect(revealed["q1"]?["answer"] as? [String] == ["b"])
                #expect(revealed["q5"]?["answer"] as? [String] == ["x", "y", "z"])

                let dashboard = try await client.json(.get, "/api/progress", headers: ada.cookieOnly)
                let quizzes = try #require(((dashboard.object["courses"] as? [[String: Any]])?.first)?["quizzes"] as? [[String: Any]])
                #expect(quizzes.first?["best_score"] as? Double == 0.8 && quizzes.first?["passed"] as? Bool == true)

                let summary = try await client.json(.get, "/api/progress/quizzes/\(ProgressHarness.path("ai/basics/prompts"))/check", headers: ada.cookieOnly)
                #expect((summary.object["attempts"] as? [Any])?.count == 2)
                #expect(summary.object["passed"] as? Bool == true)
                #expect(summary.object["attempts_left"] as? Int == 2)

                for _ in 0..<2 { _ = try await client.json(.post, url, Self.wrongAnswers, headers: ada.headers) }
                let over = try await client.json(.post, url, Self.wrongAnswers, headers: ada.headers)
                #expect(over.status == .conflict && over.errorCode == "no_attempts_left")

                let unknown = try await client.json(.post, url, #"{"answers":{"q9":["a"]}}"#, headers: ada.headers)
                #expect(unknown.status == .unprocessableContent && unknown.errorField == "answers.q9")
                let badOption = try await client.json(.post, url, #"{"answers":{"q1":["zz"]}}"#, headers: ada.headers)
                #expect(badOption.errorField == "answers.q1")
            }
        }
    }

    @Test(arguments: FunctionTestSupport.backends)
    func accessRulesAreEnforced(_ backend: FunctionTestSupport.Backend) async throws {
        try await FunctionTestSupport.withDatabase(backend) { database in
            let harness = try ProgressHarness(database: database)
            let (adaID, ada) = try await harness.account("ada@example.com")
            try await ProgressFunction.buildApplication(config: harness.config).test(.router) { client in
                func complete(_ lesson: String) async throws -> TestResponse {
                    try await client.json(.put, "/api/progress/lessons/\(ProgressHarness.path(lesson))", #"{"completed":true}"#, headers: ada.headers)
                }
                let unpaid = try await complete("ai/basics/deep-dive")
                #expect(unpaid.status == .forbidden && unpaid.errorCode == "payment_required")
                #expect((unpaid.object["error"] as? [String: Any])?["message"] as? String == "This lesson is part of AI Marketing Pro. Buy it to read on.")

                try await harness.withLearners { try await $0.grant(userID: adaID, offerID: "pro", source: "test") }
                let locked = try await complete("ai/basics/deep-dive")
                #expect(locked.status == .forbidden && locked.errorCode == "prerequisite_required")
                // Passing the quiz it requires opens it.
                let url = "/api/progress/quizzes/\(ProgressHarness.path("ai/basics/prompts"))/check/attempts"
                let pass = try await client.json(.post, url, #"{"answers":{"q1":["b"],"q2":["c","a"],"q3":"  CTA ","q4":30,"q5":["x","y","z"]}}"#, headers: ada.headers)
                #expect(pass.object["passed"] as? Bool == true)
                #expect(try await complete("ai/basics/deep-dive").status == .ok)

                let drip = try await complete("ai/basics/week-two")
                #expect(drip.status == .forbidden && drip.errorCode == "not_yet_available")
                let dated = try await complete("ai/basics/launch")
                #expect(dated.status == .forbidden && dated.errorCode == "not_yet_available")
                #expect((dated.object["error"] as? [String: Any])?["message"] as? String == "This lesson opens on 1 January 2099.")

                let revoked = try await harness.withLearners { try await $0.revoke(userID: adaID, offerID: "pro") }
                #expect(revoked)
                #expect(try await complete("ai/basics/deep-dive").errorCode == "payment_required", "a revoked entitlement closes the lesson again")
            }
        }
    }

    @Test func dripCountsFromEnrolment() {
        let manifest = ProgressHarness.manifest()
        let now = 1_800_000_000
        var learner = LearnerState(userID: "u", offers: ["pro"], enrolledAt: ["ai": now - 6 * 86_400])
        #expect(AccessPolicy.decide(lessonID: "ai/basics/week-two", in: manifest, learner: learner, now: now) == .opensAt(now + 86_400))
        learner.enrolledAt["ai"] = now - 7 * 86_400
        #expect(AccessPolicy.decide(lessonID: "ai/basics/week-two", in: manifest, learner: learner, now: now) == .allow)
        #expect(AccessPolicy.decide(lessonID: "ai/basics/prompts", in: manifest, learner: nil, now: now) == .signIn)
        #expect(AccessPolicy.decide(lessonID: "ai/basics/intro", in: manifest, learner: nil, now: now) == .allow)
        #expect(AccessPolicy.decide(lessonID: "ai/basics/deep-dive", in: manifest, learner: LearnerState(userID: "u"), now: now) == .buy(offers: ["pro"]))
        let author = LearnerState(userID: "a", readsEverything: true)
        #expect(AccessPolicy.decide(lessonID: "ai/basics/launch", in: manifest, learner: author, now: now) == .allow)
    }

    @Test(arguments: FunctionTestSupport.backends)
    func finishingACourseIssuesOneVerifiableCertificate(_ backend: FunctionTestSupport.Backend) async throws {
        try await FunctionTestSupport.withDatabase(backend) { database in
            let harness = try ProgressHarness(database: database)
            let (_, ada) = try await harness.account("ada@example.com", name: "Ada Lovelace")
            try await ProgressFunction.buildApplication(config: harness.config).test(.router) { client in
                for lesson in ["mini/only/one", "mini/only/two"] {
                    let done = try await client.json(.put, "/api/progress/lessons/\(ProgressHarness.path(lesson))", #"{"completed":true}"#, headers: ada.headers)
                    #expect(done.object["certificate"] == nil, "the quiz is not passed yet")
                }
                let quiz = "/api/progress/quizzes/\(ProgressHarness.path("mini/only/two"))/final/attempts"
                let never = try await client.json(.post, quiz, #"{"answers":{"t":["true"]}}"#, headers: ada.headers)
                #expect(never.object["passed"] as? Bool == true && never.object["revealed"] as? Bool == false)
                // Passing the last quiz finished the course.
                let certificate = try #require(never.object["certificate"] as? [String: Any])
                let id = try #require(certificate["id"] as? String)
                #expect(certificate["url"] as? String == "http://localhost:8080/certificates/\(id)/")
                let again = try await client.json(.put, "/api/progress/lessons/\(ProgressHarness.path("mini/only/one"))", #"{"completed":true}"#, headers: ada.headers)
                #expect((again.object["certificate"] as? [String: Any])?["id"] as? String == id, "issued once")

                // Anyone can verify it, and it shows the name, the course and the date only.
                let verify = try await client.json(.get, "/api/progress/certificates/\(id)")
                #expect(verify.status == .ok)
                #expect(verify.object["name"] as? String == "Ada Lovelace")
                #expect(verify.object["course_title"] as? String == "Mini Course")
                #expect(!String(buffer: verify.body).contains("ada@example.com"))
                #expect(try await client.json(.get, "/api/progress/certificates/\(String(repeating: "0", count: 32))").status == .notFound)

                let pdf = try await client.execute(uri: "/api/progress/certificates/\(id)/pdf", method: .get)
                #expect(pdf.headers[.contentType] == "application/pdf")
                let text = try Self.extractPDFText(Data(buffer: pdf.body))
                for expected in ["Ada Lovelace", "Mini Course", "Certificate of completion", "/certificates/\(id)/"] {
                    #expect(text.contains(expected), "\(expected) in \(text)")
                }
            }
        }
    }

    /// An independent reader: pypdf (PyPI) extracts the PDF's text.
    static func extractPDFText(_ data: Data) throws -> String {
        let path = FunctionTestSupport.temporaryFolder() + "/certificate.pdf"
        try data.write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sys, pypdf; print(''.join(p.extract_text() for p in pypdf.PdfReader(sys.argv[1]).pages))", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: output, as: UTF8.self)
        #expect(process.terminationStatus == 0, "pypdf could not read the certificate (pip install pypdf): \(text)")
        return text
    }

    @Test func everyQuestionTypeIsGraded() throws {
        let grader = Grader(quiz: ProgressHarness.quiz)
        let right = try grader.grade(["q1": .choices(["b"]), "q2": .choices(["c", "a"]), "q3": .text(" cta "), "q4": .text("30"), "q5": .choices(["x", "y", "z"])])
        #expect(right.score == 1 && right.passed)
        let wrong = try grader.grade(["q1": .text("a"), "q2": .choices(["a"]), "q3": .text("CTR"), "q4": .number(29.5), "q5": .choices(["y", "x", "z"])])
        #expect(wrong.score == 0 && !wrong.passed)
        #expect(throws: Grader.Problem.wrongShape(question: "q1", expected: "one option id")) { try grader.grade(["q1": .choices(["a", "b"])]) }
        #expect(throws: Grader.Problem.wrongShape(question: "q4", expected: "a number")) { try grader.grade(["q4": .text("thirty")]) }

        let pattern = Quiz(id: "p", title: "", passMark: 1, attempts: nil, shuffle: false, reveal: .never, questions: [
            Question(id: "s", kind: .short, prompt: "", accepted: [], pattern: "colou?r", line: 1),
            Question(id: "n", kind: .numeric, prompt: "", number: 3.14, tolerance: 0.01, line: 2),
        ], line: 1)
        #expect(try Grader(quiz: pattern).grade(["s": .text("Colour"), "n": .number(3.149)]).passed)
        var tracing = Question(id: "t", kind: .tracing, prompt: "", line: 1)
        tracing.compiles = true
        tracing.output = "hello\nworld"
        var broken = Question(id: "b", kind: .tracing, prompt: "", line: 2)
        broken.compiles = false
        broken.errorLine = 3
        let trace = Grader(quiz: Quiz(id: "tr", title: "", passMark: 1, attempts: nil, shuffle: false, reveal: .never, questions: [tracing, broken], line: 1))
        #expect(try trace.grade(["t": .trace(compiles: true, output: "hello  \nworld\n", line: nil), "b": .trace(compiles: false, output: nil, line: 3)]).passed)
        #expect(try trace.grade(["t": .trace(compiles: false, output: nil, line: 1), "b": .trace(compiles: false, output: nil, line: 4)]).score == 0)
        // Left unanswered (the form sends `compiles: null`): wrong, not a refused attempt.
        let unanswered = try JSONDecoder().decode([String: QuizAnswer].self, from: Data(#"{"t":{"compiles":null,"output":""}}"#.utf8))
        #expect(try trace.grade(unanswered).questions["t"]?.correct == false)
    }

    @Test func authorsSeeCompletionDropOffAndAnswerDistributions() async throws {
        try await FunctionTestSupport.withDatabase(.sqlite) { database in
            let harness = try ProgressHarness(database: database)
            let (_, ada) = try await harness.account("ada@example.com")
            let (_, bob) = try await harness.account("bob@example.com", name: "Bob")
            let (_, author) = try await harness.account("author@example.com", roles: "student,author")
            try await ProgressFunction.buildApplication(config: harness.config).test(.router) { client in
                let quiz = "/api/progress/quizzes/\(ProgressHarness.path("ai/basics/prompts"))/check/attempts"
                for learner in [ada, bob] {
                    _ = try await client.json(.put, "/api/progress/lessons/\(ProgressHarness.path("ai/basics/intro"))", #"{"completed":true}"#, headers: learner.headers)
                    _ = try await client.json(.post, quiz, Self.wrongAnswers, headers: learner.headers)
                }
                _ = try await client.json(.put, "/api/progress/lessons/\(ProgressHarness.path("ai/basics/prompts"))", #"{"completed":true}"#, headers: ada.headers)
                #expect(try await client.json(.get, "/api/progress/report/ai", headers: ada.cookieOnly).status == .forbidden)
                let report = try await client.json(.get, "/api/progress/report/ai", headers: author.cookieOnly)
                #expect(report.status == .ok)
                let lessons = try #require(report.object["lessons"] as? [[String: Any]])
                #expect(lessons[0]["completed"] as? Int == 2)
                #expect(lessons[1]["completed"] as? Int == 1)
                #expect(lessons[1]["drop_off"] as? Double == 0.5)
                let q1 = try #require((report.object["questions"] as? [[String: Any]])?.first { $0["question"] as? String == "q1" })
                let answers = try #require(q1["answers"] as? [[String: Any]])
                #expect(answers.first?["answer"] as? String == "a" && answers.first?["count"] as? Int == 2 && answers.first?["correct"] as? Bool == false)
            }
        }
    }
}
