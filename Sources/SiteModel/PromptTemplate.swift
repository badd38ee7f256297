/// A prompt template (`content/templates/<id>.md`): the form a user fills in, the outputs each
/// variant must contain with their hard limits, and the prompt itself (Mustache over the
/// inputs). The prompt is the product's know-how: it goes to the private manifest only; the
/// public page shows the form.
public struct PromptTemplate: Sendable, Codable, Hashable {
    public var id: String
    public var title: String
    public var channel: String
    public var description: String
    public var url: String
    /// The file it came from (`content/templates/x.md`).
    public var source: String = ""
    public var inputs: [Input]
    public var outputs: [Output]
    public var variants: Int
    public var temperature: Double?
    public var maxTokens: Int?
    /// The readability target of every variant (Flesch reading ease at least, grade at most);
    /// nil: the scorecard's default.
    public var readingEase: Double?
    public var readingGrade: Double?
    /// Example outputs: output name → text.
    public var examples: [[String: String]]
    public var prompt: String

    public struct Input: Sendable, Codable, Hashable {
        public enum Kind: String, Sendable, Codable, Hashable, CaseIterable {
            case text, textarea, choice, number
        }

        public var name: String
        public var label: String
        public var kind: Kind
        public var required: Bool
        public var maxLength: Int?
        public var choices: [String]
        public var help: String?

        public init(name: String, label: String, kind: Kind, required: Bool, maxLength: Int?, choices: [String], help: String?) {
            self.name = name
            self.label = label
            self.kind = kind
            self.required = required
            self.maxLength = maxLength
            self.choices = choices
            self.help = help
        }
    }

    public struct Output: Sendable, Codable, Hashable {
        public var name: String
        public var label: String
        public var maxChars: Int

        public init(name: String, label: String, maxChars: Int) {
            self.name = name
            self.label = label
            self.maxChars = maxChars
        }
    }

    /// Channels the gallery groups templates by.
    public static let channels = ["ads", "email", "social", "landing", "product", "seo"]

    /// Variables a prompt may use besides its inputs.
    public static let reservedVariables = ["brand", "variants", "channel"]

    public init(id: String, title: String, channel: String, description: String, url: String, inputs: [Input],
                outputs: [Output], variants: Int, temperature: Double?, maxTokens: Int?, examples: [[String: String]],
                prompt: String) {
        self.id = id
        self.title = title
        self.channel = channel
        self.description = description
        self.url = url
        self.inputs = inputs
        self.outputs = outputs
        self.variants = variants
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.examples = examples
        self.prompt = prompt
    }
}

/// A brand-voice profile (`content/brand/<id>.md`), inserted into prompts as `{{brand}}`.
public struct BrandProfile: Sendable, Codable, Hashable {
    public var id: String
    public var name: String
    public var tone: String
    public var audience: String
    public var use: [String]
    public var avoid: [String]
    public var notes: String

    public init(id: String, name: String, tone: String, audience: String, use: [String], avoid: [String], notes: String) {
        self.id = id
        self.name = name
        self.tone = tone
        self.audience = audience
        self.use = use
        self.avoid = avoid
        self.notes = notes
    }

    /// The text a prompt receives as `{{brand}}`.
    public var promptText: String {
        var lines = ["Brand: \(name)"]
        if !tone.isEmpty { lines.append("Tone: \(tone)") }
        if !audience.isEmpty { lines.append("Audience: \(audience)") }
        if !use.isEmpty { lines.append("Words to use: \(use.joined(separator: ", "))") }
        if !avoid.isEmpty { lines.append("Words to avoid: \(avoid.joined(separator: ", "))") }
        if !notes.isEmpty { lines.append(notes) }
        return lines.joined(separator: "\n")
    }
}
