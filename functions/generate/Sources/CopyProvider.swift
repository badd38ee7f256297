import Foundation

/// One request to a text model: the chat messages and the template's settings.
struct CompletionRequest: Sendable, Hashable {
    var system: String
    var user: String
    var temperature: Double?
    var maxTokens: Int?
    /// What the offline drafts are made from: the output fields and the user's inputs in order.
    var draft: DraftSource?
    /// The template and its inputs by name, for providers that run a stored workflow instead of
    /// a prompt (Copy.ai).
    var templateID: String = ""
    var namedInputs: [String: String] = [:]
}

struct DraftSource: Sendable, Hashable {
    var outputs: [(name: String, maxChars: Int)]
    var inputs: [String]
    var variant: Int

    static func == (a: DraftSource, b: DraftSource) -> Bool {
        a.outputs.map(\.name) == b.outputs.map(\.name) && a.outputs.map(\.maxChars) == b.outputs.map(\.maxChars)
            && a.inputs == b.inputs && a.variant == b.variant
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(outputs.map(\.name))
        hasher.combine(inputs)
        hasher.combine(variant)
    }
}

/// What a provider streams back: text as it arrives, then the token counts.
enum CompletionEvent: Sendable, Equatable {
    case text(String)
    case usage(input: Int, output: Int)
    /// Providers that bill per run (Copy.ai workflow credits).
    case credits(Double)
}

enum ProviderError: Error, Equatable, CustomStringConvertible {
    /// The provider refused with this status (after the retries it allows).
    case http(status: Int, message: String)
    /// Out of credit or over the account's hard quota: retrying cannot help.
    case quotaExhausted(String)
    case malformedStream(String)
    /// The connection ended before the stream said `[DONE]`.
    case interrupted(String)
    case timeout

    var description: String {
        switch self {
        case .http(let status, let message): "the provider answered \(status): \(message)"
        case .quotaExhausted(let message): "the provider's quota is exhausted: \(message)"
        case .malformedStream(let detail): "the provider sent a malformed stream: \(detail)"
        case .interrupted(let detail): "the provider's stream stopped early: \(detail)"
        case .timeout: "the provider took too long to answer"
        }
    }
}

/// A text model behind one protocol: an OpenAI-compatible server, or the offline drafts.
protocol CopyProvider: Sendable {
    /// `openai`, `offline`…: part of the cache key and the usage report.
    var id: String { get }
    var model: String { get }
    /// False for the offline drafts: the page labels them as template drafts, not model output.
    var isModel: Bool { get }
    func complete(_ request: CompletionRequest) -> AsyncThrowingStream<CompletionEvent, any Error>
}
