import FunctionKit
import Foundation
import Mustache
import SiteModel

/// From a template and a user's inputs to the messages a model gets, and from the model's text
/// back to output fields.
struct PromptBuilder: Sendable {
    let template: PromptTemplate
    let brand: BrandProfile?

    /// The inputs checked against the template's schema: every problem a 422 naming
    /// `inputs.<name>`. Unknown inputs are refused too (a typo would otherwise be silently lost).
    func validated(_ raw: [String: String]) throws -> [String: String] {
        let known = Set(template.inputs.map(\.name))
        if let unknown = raw.keys.sorted().first(where: { !known.contains($0) }) {
            throw APIError.invalid("inputs.\(unknown)", "'\(unknown)' is not an input of this template.")
        }
        var inputs: [String: String] = [:]
        for input in template.inputs {
            let value = (raw[input.name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let field = "inputs.\(input.name)"
            if value.isEmpty {
                if input.required { throw APIError.invalid(field, "\(input.label) is required.") }
                continue
            }
            if let limit = input.maxLength, value.count > limit {
                throw APIError.invalid(field, "\(input.label) is \(value.count) characters; the limit is \(limit).")
            }
            switch input.kind {
            case .choice where !input.choices.contains(value):
                throw APIError.invalid(field, "\(input.label) must be one of: \(input.choices.joined(separator: ", ")).")
            case .number where Double(value) == nil:
                throw APIError.invalid(field, "\(input.label) must be a number.")
            default:
                break
            }
            inputs[input.name] = value
        }
        return inputs
    }

    /// The prompt with the inputs in, as plain text: the Mustache `TEXT` content type, so an
    /// input with `<` or `&` reaches the model as typed, not HTML-escaped.
    func renderedPrompt(_ inputs: [String: String], variants: Int) throws -> String {
        var context: [String: Any] = inputs
        context["brand"] = brand?.promptText ?? ""
        context["variants"] = variants
        context["channel"] = template.channel
        let mustache = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + template.prompt)
        return mustache.render(context)
    }

    /// The answer format: one JSON object per variant, one string per output field, with its
    /// limit stated.
    var systemPrompt: String {
        let fields = template.outputs.map { "\"\($0.name)\" (\($0.label), at most \($0.maxChars) characters)" }.joined(separator: ", ")
        return """
            You write marketing copy. Answer with JSON only, in the shape the brief asks for (one variant is enough: \
            one JSON object, or {"variants": [ … ]} with one object), with the string fields \(fields). \
            Use only facts, numbers and names from the brief; never invent testimonials, reviews, statistics or guarantees.
            """
    }

    /// One variant per request (each is cached and scored on its own), so the prompt's
    /// `{{variants}}` is 1.
    func request(_ inputs: [String: String], variant: Int, of count: Int, extra: String? = nil) throws -> CompletionRequest {
        var user = try renderedPrompt(inputs, variants: 1)
        if count > 1 { user += "\n\nThis is variant \(variant + 1) of \(count): make it distinct from the others." }
        if let extra { user += "\n\n" + extra }
        let draft = DraftSource(outputs: template.outputs.map { ($0.name, $0.maxChars) },
                                inputs: template.inputs.compactMap { inputs[$0.name] }, variant: variant)
        return CompletionRequest(system: systemPrompt, user: user, temperature: template.temperature, maxTokens: template.maxTokens, draft: draft,
                                 templateID: template.id, namedInputs: inputs)
    }

    /// The fields of a model's answer: the JSON object in the text (models sometimes wrap it in
    /// prose or a code fence), either the fields themselves or `{"variants": [{…}]}` as the
    /// shipped templates ask. Nil when there is none.
    func fields(from text: String) -> [String: String]? {
        guard let start = text.firstIndex(of: "{"), let end = text.lastIndex(of: "}"), start < end,
              var object = try? JSONSerialization.jsonObject(with: Data(text[start...end].utf8)) as? [String: Any] else { return nil }
        if object[template.outputs.first?.name ?? ""] == nil, let first = (object["variants"] as? [[String: Any]])?.first {
            object = first
        }
        var fields: [String: String] = [:]
        for output in template.outputs {
            guard let value = object[output.name] else { return nil }
            fields[output.name] = (value as? String) ?? "\(value)"
        }
        return fields
    }
}
