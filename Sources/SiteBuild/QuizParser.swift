import Foundation
import SiteModel
import Yams

/// Reads a fenced ```` ```quiz ```` block (YAML) into a `Quiz`, reporting every mistake with
/// the file line it is on:
///
/// ```yaml
/// id: briefs-check            # optional; default quiz-1, quiz-2… in the lesson
/// title: Check your understanding
/// pass: 70%                   # or 0.7, or 70
/// attempts: 3                 # optional
/// shuffle: true
/// reveal: after-passing       # after-passing | never | after-attempts: 2
/// questions:
///   - id: audience            # optional; default q1, q2…
///     type: single            # single | multiple | true-false | short | numeric | ordering
///     prompt: What does a brief settle first?
///     options:
///       - text: Who will read it
///         correct: true
///         explain: Everything else follows from the reader.
///       - The word count      # a bare option is a wrong one
///     explain: Shown with the feedback.
///   - type: true-false
///     prompt: A model knows your brand voice by default.
///     answer: false
///   - type: short
///     prompt: Name the classic copywriting formula.
///     accept: [AIDA]
///     pattern: "^a\.?i\.?d\.?a\.?$"
///   - type: numeric
///     prompt: Characters in a Google Ads headline?
///     answer: 30
///     tolerance: 0
///   - type: ordering
///     prompt: Put the steps in order.
///     items: [Brief, Draft, Edit, Publish]   # the correct order
/// ```
enum QuizParser {
    static let quizFields = ["id", "title", "pass", "attempts", "shuffle", "reveal", "questions"]
    static let questionFields = ["id", "type", "prompt", "options", "answer", "accept", "pattern", "tolerance", "items", "explain",
                                 "program", "compiles", "output", "error_line"]
    static let optionFields = ["text", "correct", "explain"]

    /// - Parameters:
    ///   - line: the file line of the YAML's first line.
    ///   - index: the quiz's position in its lesson (1-based), for its default id.
    static func parse(_ yaml: String, file: String, line: Int, index: Int, diagnostics: inout [Diagnostic]) -> Quiz? {
        let blockLine = line - 1
        let fields = FrontMatter.parseFields(yaml, file: file, firstLine: line, diagnostics: &diagnostics)
        if fields.isEmpty {
            diagnostics.append(Diagnostic(.error, file: file, line: blockLine, "this quiz is empty; give it `questions:`"))
            return nil
        }
        var reader = FieldReader(file: file, fields: fields)
        let id = reader.string("id") ?? "quiz-\(index)"
        let title = reader.string("title") ?? "Check your understanding"
        let passMark = passMark(&reader)
        let attempts = reader.int("attempts")
        if let attempts, attempts < 1 {
            reader.report(.error, line: fields["attempts"]?.line, "`attempts` must be 1 or more (leave it out for unlimited)")
        }
        let shuffle = reader.bool("shuffle") ?? false
        let reveal = reveal(&reader)
        var questions: [Question] = []
        if let list = reader.node("questions") {
            if let items = list.node.sequence, !items.isEmpty {
                var seen: [String: Int] = [:]
                for (offset, item) in items.enumerated() {
                    let itemLine = (item.mark?.line ?? 1) + line - 1
                    guard let question = Self.question(item, number: offset + 1, file: file, line: itemLine, yamlLine: line,
                                                       diagnostics: &reader) else { continue }
                    if let first = seen[question.id] {
                        reader.report(.error, line: question.line,
                            "duplicate question id `\(question.id)` (first on line \(first)); give each question its own `id`")
                    } else {
                        seen[question.id] = question.line
                        questions.append(question)
                    }
                }
            } else {
                reader.report(.error, line: list.line, "`questions` must be a list with at least one question")
            }
        } else {
            reader.report(.error, line: blockLine, "this quiz has no `questions:`")
        }
        reader.finish(known: quizFields, what: "quiz field")
        let hadErrors = reader.diagnostics.contains { $0.severity == .error }
        diagnostics += reader.diagnostics
        guard !hadErrors else { return nil }
        return Quiz(id: id, title: title, passMark: passMark, attempts: attempts, shuffle: shuffle, reveal: reveal,
                    questions: questions, line: blockLine)
    }

    private static func passMark(_ reader: inout FieldReader) -> Double {
        // 70 % unless the author says otherwise, a common pass mark on course platforms.
        guard let field = reader.fields["pass"] else { _ = reader.string("pass"); return 0.7 }
        let raw = reader.string("pass") ?? ""
        let text = raw.trimmingCharacters(in: .whitespaces)
        let percent = text.hasSuffix("%")
        if let value = Double(percent ? String(text.dropLast()) : text) {
            let share = percent || value > 1 ? value / 100 : value
            if (0...1).contains(share) { return share }
        }
        reader.report(.error, line: field.line, "`pass` is `\(raw)`; write a share such as 70% or 0.7")
        return 0.7
    }

    private static func reveal(_ reader: inout FieldReader) -> Quiz.Reveal {
        guard let field = reader.node("reveal") else { return .afterPassing }
        if let text = field.node.scalar?.string {
            switch text {
            case "after-passing": return .afterPassing
            case "never": return .never
            default: break
            }
        } else if let mapping = field.node.mapping, mapping.count == 1,
                  let (key, value) = mapping.first, key.string == "after-attempts", let count = value.int, count >= 1 {
            return .afterAttempts(count)
        }
        reader.report(.error, line: field.line, "`reveal` must be `after-passing`, `never` or `after-attempts: N`")
        return .afterPassing
    }

    private static func question(_ node: Node, number: Int, file: String, line: Int, yamlLine: Int,
                                 diagnostics outer: inout FieldReader) -> Question? {
        guard let mapping = node.mapping else {
            outer.report(.error, line: line, "question \(number) must be a mapping with `type:` and `prompt:`")
            return nil
        }
        var reader = FieldReader(file: file, fields: FrontMatter.fields(of: mapping, firstLine: yamlLine))
        defer { outer.diagnostics += reader.diagnostics }
        let id = reader.string("id") ?? "q\(number)"
        let prompt = (reader.string("prompt") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if prompt.isEmpty { reader.report(.error, line: line, "question `\(id)` has no `prompt`; write the question") }
        guard let kind = reader.choice("type", as: Question.Kind.self) else {
            if reader.fields["type"] == nil {
                reader.report(.error, line: line, "question `\(id)` needs a `type`: "
                    + Question.Kind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            reader.finish(known: questionFields, what: "question field")
            return nil
        }
        var question = Question(id: id, kind: kind, prompt: prompt, explanation: reader.string("explain"), line: line)
        switch kind {
        case .single, .multiple:
            question.options = options(&reader, question: id, file: file, yamlLine: yamlLine)
            if let answer = reader.fields["answer"] {
                // `answer:` naming an option's text (or a list of them) instead of `correct: true`.
                let names = answer.node.sequence?.compactMap { $0.scalar?.string } ?? answer.node.scalar.map { [$0.string] } ?? []
                _ = reader.node("answer")
                for name in names {
                    if let index = question.options.firstIndex(where: { $0.text == name || $0.id == name }) {
                        question.options[index].correct = true
                    } else {
                        reader.report(.error, line: answer.line,
                            "question `\(id)`: the answer `\(name)` is not one of its options")
                    }
                }
            }
            let total = question.options.filter(\.correct).count
            if question.options.count < 2 {
                reader.report(.error, line: line, "question `\(id)` needs at least two `options`")
            } else if kind == .single, total != 1 {
                reader.report(.error, line: line, "question `\(id)` is `single` but has \(total) correct options; mark exactly one `correct: true` (or use `multiple`)")
            } else if kind == .multiple, total == 0 {
                reader.report(.error, line: line, "question `\(id)` has no correct option; mark at least one `correct: true`")
            }
        case .trueFalse:
            guard let answer = reader.bool("answer") else {
                if reader.fields["answer"] == nil {
                    reader.report(.error, line: line, "question `\(id)` is `true-false`; give `answer: true` or `answer: false`")
                }
                break
            }
            question.options = [
                .init(id: "true", text: "True", correct: answer, explanation: nil),
                .init(id: "false", text: "False", correct: !answer, explanation: nil),
            ]
        case .short:
            question.accepted = reader.stringList("accept") ?? []
            question.pattern = reader.string("pattern")
            if let pattern = question.pattern, (try? NSRegularExpression(pattern: pattern)) == nil {
                reader.report(.error, line: reader.fields["pattern"]?.line, "question `\(id)`: `pattern` is not a valid regular expression")
            }
            if question.accepted.isEmpty, question.pattern == nil {
                reader.report(.error, line: line, "question `\(id)` is `short`; list accepted answers in `accept:` (or give a `pattern:`)")
            }
        case .numeric:
            question.number = reader.number("answer")
            question.tolerance = reader.number("tolerance") ?? 0
            if question.number == nil, reader.fields["answer"] == nil {
                reader.report(.error, line: line, "question `\(id)` is `numeric`; give the `answer:` (and a `tolerance:` if close counts)")
            }
            if question.tolerance < 0 {
                reader.report(.error, line: reader.fields["tolerance"]?.line, "question `\(id)`: `tolerance` cannot be negative")
            }
        case .ordering:
            let items = reader.stringList("items") ?? []
            var ids: [String] = []
            for item in items {
                var itemID = Slug.make(item)
                if itemID.isEmpty || ids.contains(itemID) { itemID = "item-\(ids.count + 1)" }
                ids.append(itemID)
                question.options.append(.init(id: itemID, text: item, correct: false, explanation: nil))
            }
            question.order = ids
            if items.count < 2 {
                reader.report(.error, line: line, "question `\(id)` is `ordering`; list at least two `items:` in the correct order")
            } else if Set(items).count != items.count {
                reader.report(.error, line: reader.fields["items"]?.line, "question `\(id)` lists the same item twice")
            }
        case .tracing:
            question.program = reader.string("program")
            question.compiles = reader.bool("compiles")
            question.output = reader.string("output")
            question.errorLine = reader.int("error_line")
            if (question.program ?? "").isEmpty {
                reader.report(.error, line: line, "question `\(id)` is `tracing`; give the `program:`")
            }
            if question.compiles == nil {
                reader.report(.error, line: line, "question `\(id)` is `tracing`; say whether it `compiles: true` or `false`")
            } else if question.compiles == true, question.output == nil {
                reader.report(.error, line: line, "question `\(id)` compiles; give its `output:`")
            }
        }
        reader.finish(known: questionFields, what: "question field")
        return reader.diagnostics.contains { $0.severity == .error } ? nil : question
    }

    private static func options(_ reader: inout FieldReader, question: String, file: String, yamlLine: Int) -> [Question.Option] {
        guard let field = reader.node("options") else { return [] }
        guard let items = field.node.sequence else {
            reader.report(.error, line: field.line, "question `\(question)`: `options` must be a list")
            return []
        }
        var options: [Question.Option] = []
        for (offset, item) in items.enumerated() {
            let id = String(UnicodeScalar(UInt8(97 + offset % 26))) + (offset >= 26 ? String(offset / 26) : "")
            if let text = item.scalar?.string {
                options.append(.init(id: id, text: text, correct: false, explanation: nil))
            } else if let mapping = item.mapping {
                var optionReader = FieldReader(file: file, fields: FrontMatter.fields(of: mapping, firstLine: yamlLine))
                let text = optionReader.string("text") ?? ""
                if text.isEmpty {
                    optionReader.report(.error, line: (item.mark?.line ?? 1) + yamlLine - 1, "question `\(question)`: an option has no `text`")
                }
                options.append(.init(id: id, text: text, correct: optionReader.bool("correct") ?? false,
                                     explanation: optionReader.string("explain")))
                optionReader.finish(known: optionFields, what: "option field")
                reader.diagnostics.append(contentsOf: optionReader.diagnostics)
            }
        }
        var seen = Set<String>()
        for option in options where !seen.insert(option.text).inserted {
            reader.report(.error, line: field.line, "question `\(question)` lists the option `\(option.text)` twice")
        }
        return options
    }
}
