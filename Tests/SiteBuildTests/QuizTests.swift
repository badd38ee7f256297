import Foundation
import SiteModel
import Testing

@testable import SiteBuild

/// Quizzes in lessons: the page shows the questions only, the private manifest holds the
/// answer keys, and every authoring mistake fails the build with its file and line.
@Suite struct QuizTests {
    static let lesson = "content/courses/course/01-basics/01-one.md"

    static let quiz = """
        ---
        title: One
        access: free
        ---
        ## Start

        Text one.

        ```quiz
        id: check
        title: Check your understanding
        pass: 70%
        attempts: 3
        reveal:
          after-attempts: 2
        questions:
          - id: reader
            type: single
            prompt: What does a brief settle first?
            options:
              - text: Who will read it
                correct: true
                explain: EXPLAIN-READER-RIGHT
              - text: The word count
                explain: EXPLAIN-WORDCOUNT-WRONG
          - id: channels
            type: multiple
            prompt: Which are channels?
            options: [Email, Search ads, Kerning]
            answer: [Email, Search ads]
          - type: true-false
            prompt: A model knows your brand voice by default.
            answer: false
            explain: EXPLAIN-TRUE-FALSE
          - type: short
            prompt: Name the classic copywriting formula.
            accept: [ACCEPTED-AIDA]
          - type: numeric
            prompt: Characters in a Google Ads headline?
            answer: 31.5
            tolerance: 0.5
          - id: steps
            type: ordering
            prompt: Put the steps in order.
            items: [Brief, Draft, Edit, Publish]
        ```
        """

    @Test func thePageShowsQuestionsAndTheManifestKeepsTheAnswers() throws {
        var files = TestSite.minimal
        files[Self.lesson] = Self.quiz
        let site = try TestSite(files)
        defer { site.remove() }
        let report = site.build()
        #expect(report.succeeded, "\(report.lines)")

        let page = try #require(site.read("dist/courses/course/basics/one/index.html"))
        #expect(page.contains("<form class=\"quiz\" data-quiz=\"course/basics/one/check\""))
        #expect(page.contains("What does a brief settle first?"))
        #expect(page.contains("type=\"radio\""))
        #expect(page.contains("type=\"checkbox\""))
        #expect(page.contains("6 questions · pass mark 70% · 3 attempts"))
        // Nothing that gives an answer away.
        for secret in ["EXPLAIN-", "ACCEPTED-AIDA", "31.5", "correct", "tolerance"] {
            #expect(!page.contains(secret), "\(secret) leaked into the page")
        }
        // Ordering items are never shown in the correct order.
        let positions = ["Brief", "Draft", "Edit", "Publish"].compactMap { page.range(of: ">\($0) <select")?.lowerBound }
        #expect(positions.count == 4)
        #expect(positions != positions.sorted())
        // Not in the search index either, nor in any other file of the public output.
        #expect(site.read("dist/search-index.json")?.contains("EXPLAIN-") == false)
        let dist = site.directory + "/dist"
        let published = FileManager.default.enumerator(atPath: dist)?.allObjects.compactMap { $0 as? String } ?? []
        #expect(published.count > 5)
        for file in published {
            guard let data = FileManager.default.contents(atPath: dist + "/" + file) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            for secret in ["EXPLAIN-", "ACCEPTED-AIDA", "31.5"] {
                #expect(!text.contains(secret), "\(secret) leaked into dist/\(file)")
            }
        }

        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(try #require(site.read("private/manifest.json")).utf8))
        let quizzes = try #require(manifest.lessons.first { $0.lesson.id == "course/basics/one" }?.lesson.quizzes)
        let quiz = try #require(quizzes.first)
        #expect(quiz.id == "check")
        #expect(quiz.passMark == 0.7)
        #expect(quiz.attempts == 3)
        #expect(quiz.reveal == .afterAttempts(2))
        #expect(quiz.questions.map(\.id) == ["reader", "channels", "q3", "q4", "q5", "steps"])
        #expect(quiz.questions[0].options.map(\.correct) == [true, false])
        #expect(quiz.questions[0].options[1].explanation == "EXPLAIN-WORDCOUNT-WRONG")
        #expect(quiz.questions[1].options.map(\.correct) == [true, true, false])
        #expect(quiz.questions[2].options.first { $0.correct }?.id == "false")
        #expect(quiz.questions[3].accepted == ["ACCEPTED-AIDA"])
        #expect(quiz.questions[4].number == 31.5 && quiz.questions[4].tolerance == 0.5)
        #expect(quiz.questions[5].order == ["brief", "draft", "edit", "publish"])

        // Kept through an incremental rebuild that reads the lesson from the cache.
        let again = site.build()
        #expect(again.reusedPages == again.pages)
        let cached = try JSONDecoder().decode(Manifest.self, from: Data(try #require(site.read("private/manifest.json")).utf8))
        #expect(cached.lessons.first { $0.lesson.id == "course/basics/one" }?.lesson.quizzes == quizzes)
    }

    /// The build's errors for a lesson whose quiz block is `yaml` (its first line is file line 5).
    func errors(_ yaml: String) throws -> [String] {
        var files = TestSite.minimal
        files[Self.lesson] = "---\ntitle: One\n---\n```quiz\n" + yaml + "\n```\n"
        let site = try TestSite(files)
        defer { site.remove() }
        let report = site.build()
        #expect(!report.succeeded)
        return report.errors.map(\.description)
    }

    @Test func mistakesFailTheBuildWithFileAndLine() throws {
        let file = Self.lesson
        #expect(try errors("""
            questions:
              - type: single
                prompt: Pick one
                options: [A, B]
                answer: C
            """).contains("\(file):9: error: question `q1`: the answer `C` is not one of its options"))
        #expect(try errors("""
            questions:
              - type: single
                prompt: ""
                options: [A, B]
                answer: A
            """).contains("\(file):6: error: question `q1` has no `prompt`; write the question"))
        #expect(try errors("""
            questions:
              - id: same
                type: true-false
                prompt: One
                answer: true
              - id: same
                type: true-false
                prompt: Two
                answer: false
            """).contains("\(file):10: error: duplicate question id `same` (first on line 6); give each question its own `id`"))
        #expect(try errors("""
            questions:
              - type: single
                prompt: Two right?
                options:
                  - text: A
                    correct: true
                  - text: B
                    correct: true
            """).contains { $0.hasPrefix("\(file):6: error: question `q1` is `single` but has 2 correct options") })
        #expect(try errors("""
            questions:
              - type: essay
                prompt: Write
            """).contains { $0.hasPrefix("\(file):6: error: field `type` is `essay`; use one of") })
        #expect(try errors("pass: lots\nquestions:\n  - type: true-false\n    prompt: X\n    answer: true")
            .contains("\(file):5: error: `pass` is `lots`; write a share such as 70% or 0.7"))
        #expect(try errors("title: Empty").contains("\(file):4: error: this quiz has no `questions:`"))
        #expect(try errors("questions: [oops").contains { $0.hasPrefix("\(file):") && $0.contains("invalid YAML") })
    }

    @Test func quizzesBelongInLessons() throws {
        var files = TestSite.minimal
        files["content/about.md"] = "---\ntitle: About\n---\nHi.\n\n```quiz\nquestions: []\n```\n"
        let site = try TestSite(files)
        defer { site.remove() }
        let report = site.build()
        #expect(report.lines.contains("content/about.md:6: error: quizzes belong in lessons (a `.md` file inside a course module)"))
    }

    @Test func twoQuizzesInALessonNeedDifferentIDs() throws {
        var files = TestSite.minimal
        let block = "```quiz\nquestions:\n  - type: true-false\n    prompt: X\n    answer: true\n```\n"
        files[Self.lesson] = "---\ntitle: One\n---\n" + block + "\n" + block
        let site = try TestSite(files)
        defer { site.remove() }
        let report = site.build()
        // Both default to their position: quiz-1 and quiz-2.
        #expect(report.succeeded, "\(report.lines)")
        files[Self.lesson] = "---\ntitle: One\n---\n" + block.replacingOccurrences(of: "questions:", with: "id: x\nquestions:")
            + "\n" + block.replacingOccurrences(of: "questions:", with: "id: x\nquestions:")
        let clash = try TestSite(files)
        defer { clash.remove() }
        #expect(clash.build().lines.contains { $0.contains("duplicate quiz id `x`") })
    }
}

/// Courses written for mdBook keep their quizzes: `{{#quiz file.toml}}`.
@Suite struct MdbookQuizTests {
    static let toml = #"""
        # An mdbook-quiz file
        [[questions]]
        id = "immutable"
        type = "MultipleChoice"
        prompt.prompt = "What does it mean if a variable `x` is immutable?"
        prompt.distractors = [
          "`x` is stored in the immutable region of memory.",
          'After being defined, `x` can be changed at most once.',  # trailing comma next
        ]
        answer.answer = "`x` cannot be changed after being assigned a value."
        context = """
        Immutable means "not mutable": SECRET-CONTEXT.
        """

        [[questions]]
        type = "ShortAnswer"
        prompt.prompt = "What is the keyword for declaring a variable?"
        answer.answer = "SECRET-LET"
        answer.alternatives = ["SECRET-VAR"]

        [[questions]]
        type = "Tracing"
        prompt.program = """
        fn main() {
            let x = 1;
            println!("{x}");
        }
        """
        answer.doesCompile = true
        answer.stdout = "SECRET-STDOUT"
        """#

    @Test func anMdbookQuizBecomesAFormAndItsAnswersStayPrivate() throws {
        var files = TestSite.minimal
        files["content/courses/course/01-basics/01-one.md"] = "---\ntitle: One\naccess: free\n---\nText.\n\n{{#quiz quiz.toml}}\n"
        files["content/courses/course/01-basics/quiz.toml"] = Self.toml
        let site = try TestSite(files)
        defer { site.remove() }
        let report = site.build()
        #expect(report.succeeded, "\(report.lines)")
        let page = try #require(site.read("dist/courses/course/basics/one/index.html"))
        #expect(page.contains("data-quiz=\"course/basics/one/quiz\""))
        #expect(page.contains("What is the keyword for declaring a variable?"))
        #expect(page.contains("println!(&quot;{x}&quot;);") || page.contains("println!(\"{x}\");"))
        #expect(!page.contains("{{#quiz"))
        for secret in ["SECRET-CONTEXT", "SECRET-LET", "SECRET-VAR", "SECRET-STDOUT"] {
            #expect(!page.contains(secret), "\(secret) leaked")
        }
        // The answers file itself is never published.
        #expect(!site.files(under: "dist").contains { $0.hasSuffix(".toml") })

        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(try #require(site.read("private/manifest.json")).utf8))
        let quiz = try #require(manifest.lessons.first { $0.lesson.id == "course/basics/one" }?.lesson.quizzes?.first)
        #expect(quiz.questions.map(\.kind) == [.single, .short, .tracing])
        let choice = quiz.questions[0]
        #expect(choice.options.count == 3)
        #expect(choice.options.filter(\.correct).map(\.text) == ["`x` cannot be changed after being assigned a value."])
        #expect(choice.options.map(\.text).contains("After being defined, `x` can be changed at most once."))
        #expect(choice.explanation == "Immutable means \"not mutable\": SECRET-CONTEXT.\n")
        #expect(quiz.questions[1].accepted == ["SECRET-LET", "SECRET-VAR"])
        #expect(quiz.questions[2].compiles == true && quiz.questions[2].output == "SECRET-STDOUT")
        #expect(quiz.questions[2].program?.contains("let x = 1;") == true)
    }

    @Test func mistakesNameTheTomlFileAndLine() throws {
        func errors(_ toml: String?, directive: String = "{{#quiz quiz.toml}}") throws -> [String] {
            var files = TestSite.minimal
            files["content/courses/course/01-basics/01-one.md"] = "---\ntitle: One\n---\nText.\n\n\(directive)\n"
            if let toml { files["content/courses/course/01-basics/quiz.toml"] = toml }
            let site = try TestSite(files)
            defer { site.remove() }
            return site.build().errors.map(\.description)
        }
        let toml = "content/courses/course/01-basics/quiz.toml"
        #expect(try errors("[[questions]]\ntype = \"Essay\"\nprompt.prompt = \"x\"\n")
            .contains("\(toml):1: error: question 1 has type `Essay`; supported: MultipleChoice, ShortAnswer, Tracing"))
        #expect(try errors("[[questions]]\ntype = \"ShortAnswer\"\nprompt.prompt = \"unclosed\n")
            .contains("\(toml):3: error: invalid quiz TOML: a string is not closed with `\"` on its line"))
        #expect(try errors("[[questions]]\ntype = \"MultipleChoice\"\nprompt.prompt = \"Pick\"\nprompt.distractors = [\"a\"]\n")
            .contains("\(toml):1: error: question `q1` has no `answer.answer`"))
        #expect(try errors(nil).contains {
            $0.hasPrefix("content/courses/course/01-basics/01-one.md:6: error: `{{#quiz quiz.toml}}` names no `.toml` file")
        })
    }

    @Test func tomlSubsetReadsWhatQuizFilesUse() throws {
        let table = try TOMLSubset.parse("""
            title = 'literal'
            [meta]
            count = 3
            ratio = 0.5
            flag = true
            [[items]]
            name = "one"
            tags = [ "a",
              "b", ]
            [[items]]
            name = "two"
            text = \"\"\"
            line one
            line two\"\"\"
            """)
        #expect(table["title"] == .string("literal"))
        #expect(table["meta.count"] == .integer(3))
        #expect(table["meta.ratio"] == .float(0.5))
        #expect(table["meta.flag"] == .bool(true))
        let list = table.values["items"]?.array ?? []
        let items = list.compactMap { $0.table }
        #expect(items.count == 2)
        #expect(items.map { $0["name"]?.string } == ["one", "two"])
        #expect(items[0]["tags"] == .array([.string("a"), .string("b")]))
        #expect(items[1]["text"] == .string("line one\nline two"))
        #expect(items.map { $0.lines[""] } == [6, 10])
        #expect(throws: TOMLSubset.ParseError(line: 2, message: "the key `a` is set twice")) {
            try TOMLSubset.parse("a = 1\na = 2\n")
        }
        #expect(throws: TOMLSubset.ParseError.self) { try TOMLSubset.parse("x = { a = 1 }") }
    }
}
