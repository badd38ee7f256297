import SiteModel
import Yams

/// Reads typed values out of parsed YAML fields, reporting each mistyped or unknown field.
///
/// Every read names the field it expects, so `finish(known:)` can warn about the rest —
/// a misspelt `durration:` is a warning that lists the fields that do exist.
struct FieldReader {
    let file: String
    let fields: [String: FrontMatter.Field]
    var diagnostics: [Diagnostic] = []
    private var read: Set<String> = []

    init(file: String, fields: [String: FrontMatter.Field]) {
        self.file = file
        self.fields = fields
    }

    /// A text field's value without marking it read (its reader comes later).
    func peekString(_ key: String) -> String? {
        guard let field = fields[key], case .scalar(let scalar) = field.node else { return nil }
        return scalar.string
    }

    mutating func string(_ key: String) -> String? {
        guard let field = take(key) else { return nil }
        if case .scalar(let scalar) = field.node { return scalar.string }
        return mistyped(key, field, "text")
    }

    mutating func int(_ key: String, meaning: String = "a whole number") -> Int? {
        guard let field = take(key) else { return nil }
        if let value = field.node.int { return value }
        return mistyped(key, field, meaning)
    }

    mutating func number(_ key: String) -> Double? {
        guard let field = take(key) else { return nil }
        if let value = field.node.float { return value }
        return mistyped(key, field, "a number")
    }

    mutating func bool(_ key: String) -> Bool? {
        guard let field = take(key) else { return nil }
        if let value = field.node.bool { return value }
        return mistyped(key, field, "true or false")
    }

    mutating func stringList(_ key: String) -> [String]? {
        guard let field = take(key) else { return nil }
        if let items = field.node.sequence {
            let strings = items.compactMap { $0.scalar?.string }
            if strings.count == items.count { return strings }
        } else if case .scalar(let scalar) = field.node {
            return [scalar.string]
        }
        return mistyped(key, field, "a list of text values")
    }

    /// An enumeration field: reports the accepted values when the field holds another.
    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, as type: T.Type) -> T? where T.RawValue == String {
        guard let raw = string(key) else { return nil }
        if let value = T(rawValue: raw) { return value }
        let accepted = T.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", ")
        report(.error, line: fields[key]?.line, "field `\(key)` is `\(raw)`; use one of \(accepted)")
        return nil
    }

    /// A `YYYY-MM-DD` date (a full timestamp is accepted and cut to its date).
    mutating func date(_ key: String) -> String? {
        guard let raw = string(key) else { return nil }
        let day = String(raw.prefix(10))
        let parts = day.split(separator: "-")
        if parts.count == 3, parts[0].count == 4, parts.allSatisfy({ Int($0) != nil }) { return day }
        report(.error, line: fields[key]?.line, "field `\(key)` is `\(raw)`; write a date as YYYY-MM-DD")
        return nil
    }

    /// The raw node of a structured field (a list of mappings, say), marked as read.
    mutating func node(_ key: String) -> FrontMatter.Field? {
        take(key)
    }

    mutating func report(_ severity: Diagnostic.Severity, line: Int?, _ message: String) {
        diagnostics.append(Diagnostic(severity, file: file, line: line, message))
    }

    /// Warns about every field no reader asked for, naming the closest known field.
    mutating func finish(known: [String], what: String = "front-matter field") {
        for (key, field) in fields.sorted(by: { $0.value.line < $1.value.line }) where !read.contains(key) {
            var message = "unknown \(what) `\(key)`"
            if let guess = FieldReader.closest(to: key, in: known) { message += " (did you mean `\(guess)`?)" }
            message += "; known fields: \(known.joined(separator: ", "))"
            report(.warning, line: field.line, message)
        }
    }

    private mutating func take(_ key: String) -> FrontMatter.Field? {
        read.insert(key)
        guard let field = fields[key] else { return nil }
        if case .scalar(let scalar) = field.node, scalar.tag.description.hasSuffix(":null") || scalar.string == "~" {
            return nil
        }
        return field
    }

    private mutating func mistyped<T>(_ key: String, _ field: FrontMatter.Field, _ expected: String) -> T? {
        let shown = field.node.scalar.map { "`\($0.string)`" } ?? "a \(field.node.kindName)"
        report(.error, line: field.line, "field `\(key)` must be \(expected), not \(shown)")
        return nil
    }

    /// The known name within two edits of `key`, if any.
    static func closest(to key: String, in known: [String]) -> String? {
        known.map { ($0, editDistance(key, $0)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
