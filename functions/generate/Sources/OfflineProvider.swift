import Foundation

/// No provider configured: a "template draft" made of the user's own inputs, cut to each output's
/// limit, so the product works end to end on a fresh machine. It never pretends to be a model:
/// the answer says `draft: true` and the page labels it so.
struct OfflineProvider: CopyProvider {
    let id = "offline"
    let model = "template-draft"
    var isModel: Bool { false }

    func complete(_ request: CompletionRequest) -> AsyncThrowingStream<CompletionEvent, any Error> {
        AsyncThrowingStream { continuation in
            let text = Self.draft(request.draft)
            continuation.yield(.text(text))
            continuation.yield(.usage(input: 0, output: 0))
            continuation.finish()
        }
    }

    /// One JSON object, field by field: the inputs in order (rotated per variant, so variants
    /// differ), joined into sentences and cut at a word boundary within the limit.
    static func draft(_ source: DraftSource?) -> String {
        guard let source else { return "{}" }
        let inputs = source.inputs.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        var fields: [String: String] = [:]
        for (index, output) in source.outputs.enumerated() {
            guard !inputs.isEmpty else { fields[output.name] = ""; continue }
            let start = (index + source.variant) % inputs.count
            let ordered = Array(inputs[start...] + inputs[..<start])
            let sentences = index == 0 ? [ordered[0]] : ordered.map { $0.hasSuffix(".") ? $0 : $0 + "." }
            fields[output.name] = cut(sentences.joined(separator: " "), to: output.maxChars)
        }
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func cut(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        let prefix = String(text.prefix(limit))
        guard let space = prefix.lastIndex(of: " "), prefix.distance(from: prefix.startIndex, to: space) > limit / 2 else { return prefix }
        return String(prefix[..<space])
    }
}
