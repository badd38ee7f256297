import Foundation
import SiteModel
import Yams

/// Reads `content/templates/<id>.md` (front matter: title, channel, description, inputs,
/// outputs, variants, model, examples; body: the prompt, Mustache over the inputs) and
/// `content/brand/<id>.md`, reporting every mistake with its file and line.
enum TemplateParser {
    static let templateFields = ["id", "title", "channel", "description", "inputs", "outputs", "variants", "model", "examples", "draft", "reading"]
    static let inputFields = ["name", "label", "type", "required", "max_length", "choices", "help"]
    static let outputFields = ["name", "label", "max_chars"]
    static let brandFields = ["name", "tone", "audience", "use", "avoid"]

    static func template(_ fields: inout FieldReader, body: Substring, bodyLine: Int, path: ContentPath, file: String) -> PromptTemplate? {
        let stem = ((path.relative as NSString).lastPathComponent as NSString).deletingPathExtension
        let id = fields.string("id") ?? stem
        let title = fields.string("title") ?? ""
        if title.isEmpty { fields.report(.error, line: 1, "a template needs a `title`") }
        let channel = fields.string("channel") ?? ""
        if !PromptTemplate.channels.contains(channel) {
            fields.report(.error, line: fields.fields["channel"]?.line ?? 1,
                "`channel` is `\(channel)`; use one of \(PromptTemplate.channels.map { "`\($0)`" }.joined(separator: ", "))")
        }
        let description = fields.string("description") ?? ""
        let inputs = self.inputs(&fields, file: file)
        let outputs = self.outputs(&fields, file: file)
        let variants = fields.int("variants") ?? 1
        if !(1...10).contains(variants) {
            fields.report(.error, line: fields.fields["variants"]?.line, "`variants` must be between 1 and 10")
        }
        var temperature: Double?
        var maxTokens: Int?
        if let model = fields.node("model") {
            if let mapping = model.node.mapping {
                var reader = FieldReader(file: file, fields: FrontMatter.fields(of: mapping, firstLine: 2))
                temperature = reader.number("temperature")
                if let value = temperature, !(0...2).contains(value) {
                    reader.report(.error, line: reader.fields["temperature"]?.line, "`model.temperature` must be between 0 and 2")
                }
                maxTokens = reader.int("max_tokens")
                if let value = maxTokens, value < 1 {
                    reader.report(.error, line: reader.fields["max_tokens"]?.line, "`model.max_tokens` must be 1 or more")
                }
                reader.finish(known: ["temperature", "max_tokens"], what: "model setting")
                fields.diagnostics += reader.diagnostics
            } else {
                fields.report(.error, line: model.line, "`model` must be a mapping such as `temperature: 0.7`")
            }
        }
        // The readability the scorecard holds variants to: `reading: {min_ease: 60, max_grade: 8}`.
        var readingEase: Double?
        var readingGrade: Double?
        if let reading = fields.node("reading") {
            if let mapping = reading.node.mapping {
                var reader = FieldReader(file: file, fields: FrontMatter.fields(of: mapping, firstLine: 2))
                readingEase = reader.number("min_ease")
                if let value = readingEase, !(0...120).contains(value) {
                    reader.report(.error, line: reader.fields["min_ease"]?.line, "`reading.min_ease` is a Flesch reading ease from 0 to 120, e.g. 60")
                }
                readingGrade = reader.number("max_grade")
                if let value = readingGrade, !(0...20).contains(value) {
                    reader.report(.error, line: reader.fields["max_grade"]?.line, "`reading.max_grade` is a school grade from 0 to 20, e.g. 8")
                }
                reader.finish(known: ["min_ease", "max_grade"], what: "reading setting")
                fields.diagnostics += reader.diagnostics
            } else {
                fields.report(.error, line: reading.line, "`reading` must be a mapping such as `min_ease: 60`")
            }
        }
        let examples = self.examples(&fields, outputs: outputs, file: file)
        let prompt = String(body).trimmingCharacters(in: .whitespacesAndNewlines)
        if prompt.isEmpty {
            fields.report(.error, line: bodyLine, "the template has no prompt; write it below the front matter")
        }
        checkVariables(prompt: body, bodyLine: bodyLine, inputs: inputs, fields: &fields)
        fields.finish(known: templateFields, what: "template field")
        var template = PromptTemplate(id: id, title: title, channel: channel, description: description, url: path.url,
                              inputs: inputs, outputs: outputs, variants: variants, temperature: temperature,
                              maxTokens: maxTokens, examples: examples, prompt: prompt)
        template.source = file
        template.readingEase = readingEase
        template.readingGrade = readingGrade
        return template
    }

    static func brand(_ fields: inout FieldReader, body: Substring, path: ContentPath) -> BrandProfile {
        let stem = ((path.relative as NSString).lastPathComponent as NSString).deletingPathExtension
        let name = fields.string("name") ?? stem
        let profile = BrandProfile(
            id: stem, name: name, tone: fields.string("tone") ?? "", audience: fields.string("audience") ?? "",
            use: fields.stringList("use") ?? [], avoid: fields.stringList("avoid") ?? [],
            notes: String(body).trimmingCharacters(in: .whitespacesAndNewlines))
        fields.finish(known: brandFields, what: "brand field")
        return profile
    }

    private static func inputs(_ fields: inout FieldReader, file: String) -> [PromptTemplate.Input] {
        guard let list = fields.node("inputs") else { return [] }
        guard let items = list.node.sequence else {
            fields.report(.error, line: list.line, "`inputs` must be a list of fields, each with a `name` and a `type`")
            return []
        }
        var inputs: [PromptTemplate.Input] = []
        for item in items {
            let line = (item.mark?.line ?? 1) + 1
            guard let mapping = item.mapping else {
                fields.report(.error, line: line, "each input must be a mapping with `name:` and `type:`")
                continue
            }
            var reader = FieldReader(file: file, fields: FrontMatter.fields(of: mapping, firstLine: 2))
            let name = reader.string("name") ?? ""
            if name.isEmpty || !name.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "_" }) || name.first?.isNumber == true {
                reader.report(.error, line: line, "input name `\(name)` must be lowercase letters, digits and `_`, starting with a letter")
            } else if inputs.contains(where: { $0.name == name }) {
                reader.report(.error, line: line, "two inputs are named `\(name)`")
            } else if PromptTemplate.reservedVariables.contains(name) {
                reader.report(.error, line: line, "`\(name)` is reserved for the product; name the input differently")
            }
            let kind = reader.choice("type", as: PromptTemplate.Input.Kind.self) ?? .text
            let choices = reader.stringList("choices") ?? []
            if kind == .choice, choices.isEmpty {
                reader.report(.error, line: line, "input `\(name)` is a `choice`; list its `choices`")
            }
            let maxLength = reader.int("max_length")
            if let maxLength, maxLength < 1 {
                reader.report(.error, line: reader.fields["max_length"]?.line, "input `\(name)`: `max_length` must be 1 or more")
            }
            let input = PromptTemplate.Input(
                name: name, label: reader.string("label") ?? name.replacingOccurrences(of: "_", with: " ").capitalized,
                kind: kind, required: reader.bool("required") ?? false, maxLength: maxLength, choices: choices,
                help: reader.string("help"))
            reader.finish(known: inputFields, what: "input field")
            let failed = reader.diagnostics.contains { $0.severity == .error }
            fields.diagnostics += reader.diagnostics
            if !failed { inputs.append(input) }
        }
        return inputs
    }

    private static func outputs(_ fields: inout FieldReader, file: String) -> [PromptTemplate.Output] {
        guard let list = fields.node("outputs"), let items = list.node.sequence, !items.isEmpty else {
            fields.report(.error, line: fields.fields["outputs"]?.line ?? 1,
                "a template needs `outputs`: the fields each variant contains, with `max_chars` limits")
            return []
        }
        var outputs: [PromptTemplate.Output] = []
        for item in items {
            let line = (item.mark?.line ?? 1) + 1
            guard let mapping = item.mapping else {
                fields.report(.error, line: line, "each output must be a mapping with `name:` and `max_chars:`")
                continue
            }
            var reader = FieldReader(file: file, fields: FrontMatter.fields(of: mapping, firstLine: 2))
            let name = reader.string("name") ?? ""
            let maxChars = reader.int("max_chars") ?? 0
            if name.isEmpty { reader.report(.error, line: line, "an output has no `name`") }
            if outputs.contains(where: { $0.name == name }) { reader.report(.error, line: line, "two outputs are named `\(name)`") }
            if maxChars < 1 { reader.report(.error, line: line, "output `\(name)` needs `max_chars` (1 or more): its hard limit") }
            let output = PromptTemplate.Output(name: name, label: reader.string("label") ?? name.capitalized, maxChars: maxChars)
            reader.finish(known: outputFields, what: "output field")
            let failed = reader.diagnostics.contains { $0.severity == .error }
            fields.diagnostics += reader.diagnostics
            if !failed { outputs.append(output) }
        }
        return outputs
    }

    private static func examples(_ fields: inout FieldReader, outputs: [PromptTemplate.Output], file: String) -> [[String: String]] {
        guard let list = fields.node("examples") else { return [] }
        guard let items = list.node.sequence else {
            fields.report(.error, line: list.line, "`examples` must be a list of example outputs")
            return []
        }
        var examples: [[String: String]] = []
        for item in items {
            let line = (item.mark?.line ?? 1) + 1
            guard let mapping = item.mapping else {
                fields.report(.error, line: line, "each example must map output names to text")
                continue
            }
            var example: [String: String] = [:]
            for (key, value) in mapping {
                guard let name = key.string, let text = value.string else { continue }
                let keyLine = (key.mark?.line ?? 1) + 1
                guard let output = outputs.first(where: { $0.name == name }) else {
                    fields.report(.error, line: keyLine, "example field `\(name)` is not one of the outputs")
                    continue
                }
                if text.count > output.maxChars {
                    fields.report(.error, line: keyLine,
                        "example `\(name)` has \(text.count) characters; the limit is \(output.maxChars)")
                }
                example[name] = text
            }
            examples.append(example)
        }
        return examples
    }

    /// Every `{{name}}`, `{{#name}}`, `{{^name}}`, `{{/name}}` and `{{{name}}}` in the prompt must
    /// be an input or a reserved variable; a required input the prompt never uses is a warning.
    static func checkVariables(prompt: Substring, bodyLine: Int, inputs: [PromptTemplate.Input], fields: inout FieldReader) {
        let known = Set(inputs.map(\.name) + PromptTemplate.reservedVariables)
        var used = Set<String>()
        for (offset, line) in prompt.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = line[...]
            while let open = rest.range(of: "{{") {
                rest = rest[open.upperBound...]
                guard let close = rest.range(of: "}}") else { break }
                var name = rest[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
                rest = rest[close.upperBound...]
                if name.hasPrefix("{") { name = String(name.dropFirst()); if rest.hasPrefix("}") { rest = rest.dropFirst() } }
                if let sigil = name.first, "#^/&".contains(sigil) { name = String(name.dropFirst()).trimmingCharacters(in: .whitespaces) }
                if name.hasPrefix("!") || name.isEmpty || name == "." { continue }
                used.insert(name)
                if !known.contains(name) {
                    let guess = FieldReader.closest(to: name, in: Array(known))
                    fields.report(.error, line: bodyLine + offset,
                        "the prompt uses `{{\(name)}}`, which is not an input" + (guess.map { " (did you mean `\($0)`?)" } ?? "")
                            + "; inputs: \(inputs.map(\.name).joined(separator: ", "))")
                }
            }
        }
        for input in inputs where input.required && !used.contains(input.name) {
            fields.report(.warning, line: nil, "required input `\(input.name)` is never used in the prompt")
        }
    }
}
