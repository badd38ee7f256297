import Foundation

/// The `_redirects` file the build writes for CDNs (Netlify and Cloudflare Pages format): one
/// rule per line, `FROM TO [STATUS]`. `FROM` may end in `*`, and `:splat` in `TO` takes what it
/// matched. Status 200 rewrites (serves `TO` at the requested URL, e.g. every
/// `/certificates/<id>/` from one page), 301/302/307/308 redirect. The router applies the rules
/// only when no file matches, as the hosts do by default.
struct RedirectRules: Sendable {
    struct Rule: Sendable, Equatable {
        let from: String
        let to: String
        let status: Int
    }

    enum Outcome: Equatable {
        case rewrite(String)
        case redirect(String, status: Int)
    }

    let rules: [Rule]

    static let empty = RedirectRules(rules: [])

    init(rules: [Rule]) {
        self.rules = rules
    }

    init(parsing text: String) {
        var rules: [Rule] = []
        for line in text.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 2, !parts[0].hasPrefix("#"), parts[0].hasPrefix("/") else { continue }
            let status = parts.count >= 3 ? Int(parts[2].prefix { $0.isNumber }) ?? 301 : 301
            guard [200, 301, 302, 307, 308].contains(status) else { continue }
            rules.append(Rule(from: String(parts[0]), to: String(parts[1]), status: status))
        }
        self.rules = rules
    }

    func match(_ path: String) -> Outcome? {
        for rule in rules {
            var splat: Substring?
            if rule.from.hasSuffix("*") {
                let prefix = rule.from.dropLast()
                guard path.hasPrefix(prefix) else { continue }
                splat = path.dropFirst(prefix.count)
            } else if rule.from != path {
                continue
            }
            let target = rule.to.replacingOccurrences(of: ":splat", with: String(splat ?? ""))
            return rule.status == 200 ? .rewrite(target) : .redirect(target, status: rule.status)
        }
        return nil
    }
}
