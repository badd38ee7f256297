import Foundation

/// One answer as the quiz form sends it: option ids (`["a"]`, `["b","d"]`, or the ordered item
/// ids), a text (short answer, or a number as text), a number, or a tracing answer
/// (`{"compiles": true, "output": "…"}` / `{"compiles": false, "line": 3}`).
public enum QuizAnswer: Sendable, Equatable, Codable {
    case choices([String])
    case text(String)
    case number(Double)
    /// `compiles` is nil when the learner has not answered yet (the question counts as wrong).
    case trace(compiles: Bool?, output: String?, line: Int?)

    struct Trace: Codable {
        let compiles: Bool?
        let output: String?
        let line: Int?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let list = try? container.decode([String].self) {
            self = .choices(list)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .text(text)
        } else if let trace = try? container.decode(Trace.self) {
            self = .trace(compiles: trace.compiles, output: trace.output, line: trace.line)
        } else {
            throw DecodingError.typeMismatch(QuizAnswer.self, .init(codingPath: decoder.codingPath,
                debugDescription: "an answer is a list of option ids, a text, a number or {compiles, output, line}"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .choices(let list): try container.encode(list)
        case .text(let text): try container.encode(text)
        case .number(let number): try container.encode(number)
        case .trace(let compiles, let output, let line): try container.encode(Trace(compiles: compiles, output: output, line: line))
        }
    }

    /// As stored for the authors' answer distributions: `a,c`, the text, the number.
    public var summary: String {
        switch self {
        case .choices(let list): list.joined(separator: ",")
        case .text(let text): String(text.prefix(200))
        case .number(let number): number.formatted(.number.grouping(.never))
        case .trace(let compiles, let output, let line):
            switch compiles {
            case true?: "compiles: \(String((output ?? "").prefix(200)))"
            case false?: "error at line \(line.map(String.init) ?? "?")"
            case nil: "no answer"
            }
        }
    }
}
