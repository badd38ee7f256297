import Foundation

/// The `_headers` file the build writes into `dist/` (the Netlify and Cloudflare Pages format):
/// a path pattern on its own line, `*` matching any run of characters, then indented
/// `Name: value` lines. Read as `lectern serve` reads it: for each header, the first rule in
/// the file whose pattern matches the requested path gives the value.
struct HeadersFile: Equatable {
    struct Rule: Equatable {
        let pattern: String
        var headers: [Header]
    }

    struct Header: Equatable {
        let name: String
        let value: String
    }

    let rules: [Rule]

    /// Parses `text`, refusing (with `path` and the line) what nginx cannot carry.
    init(text: String, path: String) throws {
        var rules: [Rule] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard raw.first == " " || raw.first == "\t" else {
                try Self.checkPattern(trimmed, path: path, line: line)
                rules.append(Rule(pattern: trimmed, headers: []))
                continue
            }
            guard !rules.isEmpty else {
                throw DeployError.headersLine(path, line, "a header comes before any path pattern; start a rule with a path such as /*")
            }
            guard let colon = trimmed.firstIndex(of: ":") else {
                throw DeployError.headersLine(path, line, "write the header as `Name: value`")
            }
            let name = trimmed[..<colon].trimmingCharacters(in: .whitespaces)
            let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.allSatisfy(Self.isTokenCharacter) else {
                throw DeployError.headersLine(path, line, "'\(name)' is not a header name")
            }
            guard !value.contains("$"), !value.contains("\\"), value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7f }) else {
                throw DeployError.headersLine(path, line, "nginx cannot send this value as written ($, backslashes and control characters are refused)")
            }
            rules[rules.count - 1].headers.append(Header(name: name, value: value))
        }
        self.rules = rules
    }

    /// Every header name the rules set (first spelling kept), each with the rules that set it
    /// in file order: `(pattern, value)`.
    var headersByName: [(name: String, rules: [(pattern: String, value: String)])] {
        var order: [String] = []
        var byName: [String: (name: String, rules: [(pattern: String, value: String)])] = [:]
        for rule in rules {
            // A rule setting one header twice: its first value is the one that applies.
            var inRule = Set<String>()
            for header in rule.headers where inRule.insert(header.name.lowercased()).inserted {
                let key = header.name.lowercased()
                if byName[key] == nil {
                    order.append(key)
                    byName[key] = (header.name, [])
                }
                byName[key]!.rules.append((rule.pattern, header.value))
            }
        }
        return order.map { byName[$0]! }
    }

    /// The PCRE nginx matches against `$request_uri` (path and query, as sent) for `pattern`:
    /// the path must match the whole pattern, `*` standing for any run of characters.
    static func requestURIRegex(for pattern: String) -> String {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map { part in
            part.map { character in
                character.isASCII && (character.isLetter || character.isNumber || "/-_".contains(character))
                    ? String(character) : "\\" + String(character)
            }.joined()
        }
        return "^" + parts.joined(separator: "[^?]*") + "(?:\\?|$)"
    }

    private static func checkPattern(_ pattern: String, path: String, line: Int) throws {
        guard pattern.hasPrefix("/") else {
            if !pattern.contains("/"), pattern.contains(":") {
                throw DeployError.headersLine(path, line, "'\(pattern)' looks like a header: indent it under its path pattern")
            }
            throw DeployError.headersLine(path, line, "'\(pattern)' is not a path pattern; nginx serves one host, so start it with /")
        }
        guard pattern.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f && $0 != "\"" && $0 != "\\" && $0 != "$" }) else {
            throw DeployError.headersLine(path, line, "'\(pattern)': use printable ASCII without spaces, quotes, $ or backslashes")
        }
    }

    private static func isTokenCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "!#%&'*+-.^_`|~".contains(character))
    }
}
