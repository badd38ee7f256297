/// A quiz written in a lesson (a fenced `quiz` block). The public page shows the questions;
/// everything that gives an answer away — which options are correct, accepted answers,
/// explanations — exists only here and in the private manifest.
public struct Quiz: Sendable, Codable, Hashable {
    public var id: String
    public var title: String
    /// Share of the points needed to pass, 0...1.
    public var passMark: Double
    /// Attempts allowed; nil for unlimited.
    public var attempts: Int?
    public var shuffle: Bool
    public var reveal: Reveal
    public var questions: [Question]
    /// The file line of the block's first line, for messages.
    public var line: Int

    public enum Reveal: Sendable, Codable, Hashable {
        /// Correct answers are shown once the learner has passed.
        case afterPassing
        /// … after this many attempts, passed or not.
        case afterAttempts(Int)
        case never

        /// As authors write it: `after-passing`, `never`, `after-attempts:N`.
        public var text: String {
            switch self {
            case .afterPassing: "after-passing"
            case .never: "never"
            case .afterAttempts(let count): "after-attempts:\(count)"
            }
        }

        public init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            switch text {
            case "after-passing": self = .afterPassing
            case "never": self = .never
            default:
                guard text.hasPrefix("after-attempts:"), let count = Int(text.dropFirst("after-attempts:".count)) else {
                    throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown reveal policy \(text)"))
                }
                self = .afterAttempts(count)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(text)
        }
    }

    public init(id: String, title: String, passMark: Double, attempts: Int?, shuffle: Bool, reveal: Reveal,
                questions: [Question], line: Int) {
        self.id = id
        self.title = title
        self.passMark = passMark
        self.attempts = attempts
        self.shuffle = shuffle
        self.reveal = reveal
        self.questions = questions
        self.line = line
    }
}

public struct Question: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable, Hashable, CaseIterable {
        case single, multiple, trueFalse = "true-false", short, numeric, ordering
        /// mdbook-quiz's Tracing: does this program compile, and what does it print?
        case tracing
    }

    public var id: String
    public var kind: Kind
    public var prompt: String
    /// Choices (single, multiple, true-false) or the items to order, in the order written.
    public var options: [Option]
    /// Short answer: accepted answers, compared case- and whitespace-insensitively.
    public var accepted: [String]
    /// Short answer: a regular expression an answer may match instead.
    public var pattern: String?
    /// Numeric: the answer and how far off still counts.
    public var number: Double?
    public var tolerance: Double
    /// Ordering: option ids in the correct order.
    public var order: [String]
    public var explanation: String?
    /// Tracing: the program, whether it compiles, its output, or the line of the error.
    public var program: String?
    public var compiles: Bool?
    public var output: String?
    public var errorLine: Int?
    public var line: Int

    public struct Option: Sendable, Codable, Hashable {
        public var id: String
        public var text: String
        public var correct: Bool
        public var explanation: String?

        public init(id: String, text: String, correct: Bool, explanation: String?) {
            self.id = id
            self.text = text
            self.correct = correct
            self.explanation = explanation
        }
    }

    public init(id: String, kind: Kind, prompt: String, options: [Option] = [], accepted: [String] = [],
                pattern: String? = nil, number: Double? = nil, tolerance: Double = 0, order: [String] = [],
                explanation: String? = nil, line: Int) {
        self.id = id
        self.kind = kind
        self.prompt = prompt
        self.options = options
        self.accepted = accepted
        self.pattern = pattern
        self.number = number
        self.tolerance = tolerance
        self.order = order
        self.explanation = explanation
        self.line = line
    }
}
