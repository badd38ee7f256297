import SiteModel
import Yams

/// The YAML block at the top of a Markdown file, split from the body it precedes.
struct FrontMatter {
    /// Top-level fields with the line each starts on.
    var fields: [String: Field] = [:]
    /// The Markdown after the closing `---`.
    var body: Substring
    /// 1-based line of the file where `body` starts, to report Markdown lines as file lines.
    var bodyLine: Int

    struct Field {
        var node: Node
        var line: Int
    }

    /// Splits `text` into front matter and body and parses the YAML.
    ///
    /// A file without a leading `---` line has no front matter. YAML errors are reported with the
    /// file's line (not the YAML block's) and the fields are left empty.
    static func parse(_ text: String, file: String, diagnostics: inout [Diagnostic]) -> FrontMatter {
        guard text.hasPrefix("---\n") || text.hasPrefix("---\r\n") else {
            return FrontMatter(body: Substring(text), bodyLine: 1)
        }
        // Find the closing fence: a line that is exactly `---` (or YAML's `...`).
        var line = 1
        var index = text.index(after: text.firstIndex(of: "\n")!)
        let yamlStart = index
        while index < text.endIndex {
            line += 1
            let lineEnd = text[index...].firstIndex(of: "\n") ?? text.endIndex
            let content = text[index..<lineEnd].trimmingSuffix("\r")
            if content == "---" || content == "..." {
                let yaml = String(text[yamlStart..<index])
                let bodyStart = lineEnd < text.endIndex ? text.index(after: lineEnd) : lineEnd
                var matter = FrontMatter(body: text[bodyStart...], bodyLine: line + 1)
                matter.fields = parseFields(yaml, file: file, firstLine: 2, diagnostics: &diagnostics)
                return matter
            }
            index = lineEnd < text.endIndex ? text.index(after: lineEnd) : lineEnd
        }
        diagnostics.append(
            Diagnostic(.error, file: file, line: 1, "front matter starts with `---` but never ends; add a closing `---` line"))
        return FrontMatter(body: Substring(text), bodyLine: 1)
    }

    /// Parses a YAML mapping whose first line is line `firstLine` of `file`.
    static func parseFields(_ yaml: String, file: String, firstLine: Int, diagnostics: inout [Diagnostic]) -> [String: Field] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            let (line, column, problem) = describe(error)
            diagnostics.append(
                Diagnostic(.error, file: file, line: line.map { $0 + firstLine - 1 }, column: column, "invalid YAML in front matter: \(problem)"))
            return [:]
        }
        guard let root else { return [:] }
        guard let mapping = root.mapping else {
            diagnostics.append(
                Diagnostic(.error, file: file, line: firstLine, "YAML must be `key: value` fields, not a \(root.kindName)"))
            return [:]
        }
        return fields(of: mapping, firstLine: firstLine)
    }

    /// The fields of a YAML mapping, with lines counted from `firstLine`.
    static func fields(of mapping: Node.Mapping, firstLine: Int) -> [String: Field] {
        var fields: [String: Field] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            fields[name] = Field(node: value, line: (key.mark?.line ?? 1) + firstLine - 1)
        }
        return fields
    }

    /// Line, column and problem of a Yams error, without the YAML source it repeats.
    static func describe(_ error: Error) -> (line: Int?, column: Int?, problem: String) {
        switch error as? YamlError {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            let detail = context.map { "\(problem) (\($0.text))" } ?? problem
            return (mark.line, mark.column, detail)
        case let .duplicatedKeysInMapping(duplicates, context):
            return (context.mark.line, context.mark.column, "duplicate key \(duplicates.joined(separator: ", "))")
        default:
            return (nil, nil, "\(error)")
        }
    }
}

extension Node {
    /// `mapping`, `list` or `value`, for error messages.
    var kindName: String {
        switch self {
        case .mapping: "mapping"
        case .sequence: "list"
        case .scalar, .alias: "value"
        }
    }
}

extension Substring {
    fileprivate func trimmingSuffix(_ suffix: String) -> Substring {
        hasSuffix(suffix) ? dropLast(suffix.count) : self
    }
}
