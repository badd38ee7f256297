import Foundation

/// One rule of the build's `_redirects` (Netlify format: `FROM TO [STATUS]`, `*` at the end of
/// `FROM`, `:splat` in `TO`), for the nginx configuration.
struct RedirectRule: Sendable, Equatable {
    let from: String
    let to: String
    let status: Int

    static func parse(_ text: String) -> [RedirectRule] {
        text.split(separator: "\n").compactMap { line in
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 2, parts[0].hasPrefix("/") else { return nil }
            let status = parts.count >= 3 ? Int(parts[2].prefix { $0.isNumber }) ?? 301 : 301
            guard [200, 301, 302, 307, 308].contains(status) else { return nil }
            return RedirectRule(from: String(parts[0]), to: String(parts[1]), status: status)
        }
    }
}

extension ConfigValue {
    /// A URL path nginx can take unquoted in a `location` or `try_files`: no spaces, quotes,
    /// braces, semicolons or `$`.
    static func isSafePath(_ path: String) -> Bool {
        path.hasPrefix("/") && path.allSatisfy { $0.isASCII && !$0.isWhitespace && !"\"'{};$\\#".contains($0) }
    }
}
