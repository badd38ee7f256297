import Foundation

/// One mailbox: an address with an optional display name, as in `Ada <ada@example.com>`.
///
/// Deliberately narrower than RFC 5322: no quoted local parts, comments or groups, and ASCII
/// only, since a non-ASCII address needs SMTPUTF8, which not every server offers. What is left is
/// what sign-up forms accept, and it is safe to put in a header or an SMTP command as it is.
public struct EmailAddress: Sendable, Hashable {
    /// The name shown beside the address, if any (`Ada Lovelace`).
    public let displayName: String?
    /// The `local@domain` part, used in the SMTP envelope.
    public let address: String

    /// Parses `text` as `local@domain` or `Name <local@domain>`.
    /// - Parameters:
    ///   - text: The address as a user or a setting wrote it.
    ///   - field: What the text is (`to`, `from`), named in errors.
    /// - Throws: `MailError.unsafeHeader` for CR, LF or NUL, `MailError.invalidAddress` otherwise.
    public init(_ text: String, field: String = "address") throws {
        guard !text.containsHeaderBreak else { throw MailError.unsafeHeader(field: field) }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var spec = Substring(trimmed)
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            spec = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
            let name = Self.unquoted(trimmed[..<open].trimmingCharacters(in: .whitespaces))
            displayName = name.isEmpty ? nil : name
        } else {
            displayName = nil
        }
        if let reason = Self.problem(with: spec) {
            throw MailError.invalidAddress(field: field, address: trimmed, reason: reason)
        }
        address = String(spec)
    }

    /// The part after `@`, which also names the sender's host in `Message-ID`.
    public var domain: Substring {
        // The initializer accepts only addresses with exactly one "@".
        address[address.index(after: address.lastIndex(of: "@")!)...]
    }

    private static func problem(with spec: Substring) -> String? {
        if spec.isEmpty { return "it is empty" }
        if !spec.unicodeScalars.allSatisfy(\.isASCII) {
            return "it has non-ASCII characters, which not every mail server accepts"
        }
        if let bad = spec.first(where: { $0 == " " || $0 == "\t" || "<>()[],;:\\\"".contains($0) }) {
            return "it contains \(bad == " " ? "a space" : "'\(bad)'")"
        }
        let parts = spec.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "it must contain exactly one @" }
        guard !parts[0].isEmpty else { return "nothing comes before the @" }
        let domain = parts[1]
        guard !domain.isEmpty, !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..") else {
            return "'\(domain)' is not a domain name"
        }
        // RFC 5321's limit on a path; longer ones are refused by servers anyway.
        guard spec.utf8.count <= 254 else { return "it is longer than 254 characters" }
        return nil
    }

    /// Removes the quotes of a quoted display name (`"Lovelace, Ada"`) and its backslash escapes.
    private static func unquoted(_ name: String) -> String {
        guard name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") else { return name }
        var result = ""
        var escaped = false
        for character in name.dropFirst().dropLast() {
            if !escaped && character == "\\" {
                escaped = true
            } else {
                result.append(character)
                escaped = false
            }
        }
        return result
    }
}

extension String {
    /// Whether the string holds a character that would end a header line (CR, LF) or a C string
    /// (NUL) early.
    var containsHeaderBreak: Bool {
        unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == "\0" }
    }
}
