import SiteModel

/// A quiz as the public page shows it: an accessible form with the questions and nothing that
/// gives an answer away. Option values are neutral ids (`a`, `b`…), ordering items are shown
/// in a shuffled order (never the correct one), and explanations stay in the private manifest;
/// grading happens on the server.
enum QuizForm {
    static func html(_ quiz: Quiz, lessonID: String) -> String {
        let key = lessonID + "/" + quiz.id
        let domID = "quiz-" + Slug.make(key)
        var meta = ["\(quiz.questions.count) question\(quiz.questions.count == 1 ? "" : "s")",
                    "pass mark \(Int((quiz.passMark * 100).rounded()))%"]
        if let attempts = quiz.attempts { meta.append("\(attempts) attempt\(attempts == 1 ? "" : "s")") }
        var html = """
            <form class="quiz" data-quiz="\(XML.escape(key))" data-quiz-shuffle="\(quiz.shuffle)" aria-labelledby="\(domID)-title" novalidate>
            <h2 class="quiz-title" id="\(domID)-title">\(XML.escape(quiz.title))</h2>
            <p class="quiz-meta">\(meta.joined(separator: " · "))</p>
            <ol class="quiz-questions">

            """
        for (number, question) in quiz.questions.enumerated() {
            let name = "\(domID)-\(Slug.make(question.id))"
            html += "<li class=\"quiz-question\" data-question=\"\(XML.escape(question.id))\" data-type=\"\(question.kind.rawValue)\">\n"
            switch question.kind {
            case .single, .trueFalse, .multiple:
                let input = question.kind == .multiple ? "checkbox" : "radio"
                html += "<fieldset><legend>\(XML.escape(question.prompt))"
                if question.kind == .multiple { html += " <span class=\"quiz-hint\">(choose all that apply)</span>" }
                html += "</legend>\n"
                for option in question.options {
                    html += "<label class=\"quiz-option\"><input type=\"\(input)\" name=\"\(name)\" value=\"\(XML.escape(option.id))\"> \(XML.escape(option.text))</label>\n"
                }
                html += "</fieldset>\n"
            case .short:
                html += "<label class=\"quiz-prompt\" for=\"\(name)\">\(XML.escape(question.prompt))</label>\n"
                html += "<input class=\"quiz-answer\" type=\"text\" id=\"\(name)\" name=\"\(name)\" autocomplete=\"off\" spellcheck=\"false\">\n"
            case .numeric:
                html += "<label class=\"quiz-prompt\" for=\"\(name)\">\(XML.escape(question.prompt))</label>\n"
                html += "<input class=\"quiz-answer\" type=\"text\" inputmode=\"decimal\" id=\"\(name)\" name=\"\(name)\" autocomplete=\"off\">\n"
            case .tracing:
                html += "<fieldset><legend>\(XML.escape(question.prompt))</legend>\n"
                html += "<pre class=\"quiz-program\"><code>\(XML.escape(question.program ?? ""))</code></pre>\n"
                html += "<label class=\"quiz-option\"><input type=\"radio\" name=\"\(name)\" value=\"compiles\"> It compiles; it prints:</label>\n"
                html += "<textarea class=\"quiz-answer\" name=\"\(name)-output\" rows=\"3\" aria-label=\"What the program prints\"></textarea>\n"
                html += "<label class=\"quiz-option\"><input type=\"radio\" name=\"\(name)\" value=\"fails\"> It does not compile; the error is on line</label>\n"
                html += "<input class=\"quiz-answer\" type=\"text\" inputmode=\"numeric\" name=\"\(name)-line\" aria-label=\"Line of the error\">\n"
                html += "</fieldset>\n"
            case .ordering:
                html += "<fieldset><legend>\(XML.escape(question.prompt)) <span class=\"quiz-hint\">(number them in order)</span></legend>\n<ol class=\"quiz-ordering\">\n"
                let count = question.options.count
                for option in displayOrder(question.options, seed: key + "/" + question.id) {
                    html += "<li><label>\(XML.escape(option.text)) <select name=\"\(name)\" data-item=\"\(XML.escape(option.id))\">"
                    html += "<option value=\"\">–</option>"
                    for position in 1...count { html += "<option value=\"\(position)\">\(position)</option>" }
                    html += "</select></label></li>\n"
                }
                html += "</ol></fieldset>\n"
            }
            html += "<p class=\"quiz-feedback\" data-quiz-feedback=\"\(number + 1)\" aria-live=\"polite\"></p>\n</li>\n"
        }
        html += """
            </ol>
            <p class="quiz-actions"><button class="button button-primary" type="submit">Check answers</button></p>
            <p class="quiz-status" role="status" aria-live="polite" data-quiz-status></p>
            </form>

            """
        return html
    }

    /// A stable shuffle (the same on every build) that is never the correct order, which the
    /// author wrote first.
    static func displayOrder(_ items: [Question.Option], seed: String) -> [Question.Option] {
        var generator = SeededGenerator(seed: ContentHash.of(Array(seed.utf8)))
        var shuffled = items.shuffled(using: &generator)
        if shuffled.map(\.id) == items.map(\.id), items.count > 1 {
            shuffled.append(shuffled.removeFirst())
        }
        return shuffled
    }

    /// SplitMix64: small, fast and reproducible; only the display order depends on it.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
