import Foundation
import HTTPTypes

/// The `_headers` file the build writes for CDNs (Netlify and Cloudflare Pages format): a path
/// pattern on its own line (`*` matches any run of characters), then indented `Name: value`
/// lines. The router applies the same rules so local serving matches the CDN. When several
/// rules set one header, the first in the file wins (the hosts would join both values; the
/// build never sets one header in two matching rules).
struct HeaderRules: Sendable {
    struct Rule: Sendable {
        let pattern: String
        let headers: [(HTTPField.Name, String)]
    }

    let rules: [Rule]

    static let empty = HeaderRules(rules: [])

    init(rules: [Rule]) {
        self.rules = rules
    }

    init(parsing text: String) {
        var rules: [Rule] = []
        var pattern: String?
        var headers: [(HTTPField.Name, String)] = []
        func flush() {
            if let pattern { rules.append(Rule(pattern: pattern, headers: headers)) }
            headers = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if line.first == " " || line.first == "\t" {
                guard let colon = trimmed.firstIndex(of: ":"),
                      let name = HTTPField.Name(String(trimmed[..<colon]).trimmingCharacters(in: .whitespaces)) else { continue }
                headers.append((name, trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            } else {
                flush()
                pattern = trimmed
            }
        }
        flush()
        self.rules = rules
    }

    /// The headers for `path`, first rule winning per header name.
    func headers(for path: String) -> [(HTTPField.Name, String)] {
        var seen = Set<HTTPField.Name>()
        var result: [(HTTPField.Name, String)] = []
        for rule in rules where Self.matches(rule.pattern, path) {
            for (name, value) in rule.headers where seen.insert(name).inserted {
                result.append((name, value))
            }
        }
        return result
    }

    static func matches(_ pattern: String, _ path: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
        if parts.count == 1 { return pattern == path }
        var rest = Substring(path)
        for (index, part) in parts.enumerated() {
            if index == 0 {
                guard rest.hasPrefix(part) else { return false }
                rest = rest.dropFirst(part.count)
            } else if index == parts.count - 1 {
                return part.isEmpty || rest.hasSuffix(part)
            } else if !part.isEmpty {
                guard let range = rest.range(of: part) else { return false }
                rest = rest[range.upperBound...]
            }
        }
        return true
    }
}
