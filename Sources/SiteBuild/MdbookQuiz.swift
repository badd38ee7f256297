import SiteModel

/// mdbook-quiz files (`{{#quiz quiz.toml}}` in a lesson), so courses written for mdBook keep
/// their quizzes: `[[questions]]` of type MultipleChoice (`prompt.prompt`, `prompt.distractors`,
/// `answer.answer` — one or several), ShortAnswer (`answer.answer`, `answer.alternatives`) and
/// Tracing (`prompt.program`, `answer.doesCompile`, `answer.stdout`, `answer.lineNumber`);
/// `context` is the explanation. Errors name the `.toml` file and its line.
enum MdbookQuiz {
    static func parse(_ text: String, file: String, id: String, line directiveLine: Int,
                      diagnostics: inout [Diagnostic]) -> Quiz? {
        let document: TOMLSubset.Table
        do {
            document = try TOMLSubset.parse(text)
        } catch let error as TOMLSubset.ParseError {
            diagnostics.append(Diagnostic(.error, file: file, line: error.line, "invalid quiz TOML: \(error.message)"))
            return nil
        } catch {
            diagnostics.append(Diagnostic(.error, file: file, "invalid quiz TOML: \(error)"))
            return nil
        }
        guard let tables = document.values["questions"]?.array?.compactMap(\.table), !tables.isEmpty else {
            diagnostics.append(Diagnostic(.error, file: file, line: 1, "no `[[questions]]` in this quiz file"))
            return nil
        }
        var questions: [Question] = []
        var failed = false
        var seen: [String: Int] = [:]
        for (offset, table) in tables.enumerated() {
            let line = table.lines[""] ?? 1
            func error(_ message: String) {
                diagnostics.append(Diagnostic(.error, file: file, line: line, message))
                failed = true
            }
            let questionID = table["id"]?.string ?? "q\(offset + 1)"
            if let first = seen[questionID] {
                error("duplicate question id `\(questionID)` (first on line \(first))")
                continue
            }
            seen[questionID] = line
            let prompt = (table["prompt.prompt"]?.string ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            var question = Question(id: questionID, kind: .single, prompt: prompt,
                                    explanation: table["context"]?.string, line: line)
            switch table["type"]?.string {
            case "MultipleChoice":
                let answers = table["answer.answer"].flatMap { $0.string.map { [$0] } ?? $0.array?.compactMap(\.string) } ?? []
                let distractors = table["prompt.distractors"]?.array?.compactMap(\.string) ?? []
                if prompt.isEmpty { error("question `\(questionID)` has no `prompt.prompt`") }
                if answers.isEmpty { error("question `\(questionID)` has no `answer.answer`") }
                if distractors.isEmpty { error("question `\(questionID)` has no `prompt.distractors`") }
                if let clash = answers.first(where: distractors.contains) {
                    error("question `\(questionID)`: `\(clash)` is both an answer and a distractor")
                }
                question.kind = answers.count > 1 ? .multiple : .single
                // mdbook-quiz lists answers first; shown in that order the form would give them
                // away, so the options take a stable shuffled order.
                let options = answers.map { Question.Option(id: "", text: $0, correct: true, explanation: nil) }
                    + distractors.map { Question.Option(id: "", text: $0, correct: false, explanation: nil) }
                question.options = QuizForm.displayOrder(options, seed: file + "/" + questionID).enumerated().map { index, option in
                    var option = option
                    option.id = String(UnicodeScalar(UInt8(97 + index % 26)))
                    return option
                }
            case "ShortAnswer":
                question.kind = .short
                question.accepted = ([table["answer.answer"]?.string] + (table["answer.alternatives"]?.array ?? []).map(\.string))
                    .compactMap { $0 }
                if prompt.isEmpty { error("question `\(questionID)` has no `prompt.prompt`") }
                if question.accepted.isEmpty { error("question `\(questionID)` has no `answer.answer`") }
            case "Tracing":
                question.kind = .tracing
                question.prompt = prompt.isEmpty ? "Does this program compile? If it does, what does it print?" : prompt
                question.program = table["prompt.program"]?.string
                question.compiles = table["answer.doesCompile"]?.bool
                question.output = table["answer.stdout"]?.string
                question.errorLine = table["answer.lineNumber"]?.int
                if (question.program ?? "").isEmpty { error("question `\(questionID)` has no `prompt.program`") }
                if question.compiles == nil { error("question `\(questionID)` has no `answer.doesCompile` (true or false)") }
            case let other:
                error("question \(offset + 1) has type `\(other ?? "(none)")`; supported: MultipleChoice, ShortAnswer, Tracing")
            }
            questions.append(question)
        }
        guard !failed else { return nil }
        return Quiz(id: id, title: "Quiz", passMark: 0.7, attempts: nil, shuffle: false, reveal: .afterPassing,
                    questions: questions, line: directiveLine)
    }
}
