import FunctionKit
import Foundation
import HTTPTypes
import Hummingbird

/// What a visitor sent, as JSON or as a plain HTML form post, before validation.
struct LeadSubmission: Decodable, Sendable {
    var email: String?
    var name: String?
    var source: String?
    var consent: Bool?
    var redirect: String?

    static func read(_ request: Request, limit: Int) async throws -> LeadSubmission {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        if contentType.hasPrefix("application/json") {
            return try await request.decodeJSON(LeadSubmission.self, limit: limit)
        }
        if contentType.hasPrefix("application/x-www-form-urlencoded") {
            let buffer = try await request.collectBody(limit: limit)
            return try fromForm(String(buffer: buffer))
        }
        throw APIError(.unsupportedMediaType, code: "unsupported_media_type",
                       message: "Send the lead as application/json or as an HTML form (application/x-www-form-urlencoded).")
    }

    static func fromForm(_ body: String) throws -> LeadSubmission {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = decode(parts[0]) else {
                throw APIError.badRequest("The form data is not valid.", code: "invalid_form")
            }
            guard let value = decode(parts.count > 1 ? parts[1] : "") else {
                throw APIError.badRequest("The form field '\(key)' is not valid.", code: "invalid_form", field: key)
            }
            fields[key] = value
        }
        let consent = fields["consent"].map { ["yes", "on", "true", "1"].contains($0.lowercased()) }
        return LeadSubmission(email: fields["email"], name: fields["name"], source: fields["source"],
                              consent: consent, redirect: fields["redirect"])
    }

    private static func decode(_ part: Substring) -> String? {
        String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// Only paths on this site: never `//host` or `https://elsewhere` (an open redirect).
    static func safeRedirect(_ target: String?) -> String? {
        guard let target, target.hasPrefix("/"), !target.hasPrefix("//"), !target.hasPrefix("/\\"),
              target.count <= 2048, !target.contains(where: { $0.isNewline || $0 == "\0" }) else { return nil }
        return target
    }

    func validated() throws -> LeadInput {
        let email = (email ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !email.isEmpty else { throw APIError.invalid("email", "Enter your email address.") }
        guard EmailAddress.isValid(email) else {
            throw APIError.invalid("email", "Enter an email address like name@example.com.")
        }
        guard consent == true else {
            throw APIError.invalid("consent", "Tick the box to agree to receive our emails.")
        }
        let name = name?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let name, name.count > 120 || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw APIError.invalid("name", "Keep the name under 120 characters, on one line.")
        }
        let source = source?.trimmingCharacters(in: .whitespaces)
        if let source, !source.isEmpty {
            let isPath = source.hasPrefix("/") && !source.hasPrefix("//")
            let isURL = source.hasPrefix("https://") || source.hasPrefix("http://")
            guard source.count <= 2048, isPath || isURL, !source.contains(where: { $0.isNewline || $0 == "\0" }) else {
                throw APIError.invalid("source", "'source' must be the page's path (/about/) or URL.")
            }
        }
        return LeadInput(email: EmailAddress.normalized(email),
                         name: name?.isEmpty == false ? name : nil,
                         source: source?.isEmpty == false ? source : nil)
    }
}

struct LeadInput: Sendable, Equatable {
    let email: String
    let name: String?
    let source: String?
}

/// A practical check (not RFC 5322's full grammar, which accepts addresses no mail provider
/// issues): one `@`, a local part of 1–64 visible characters, a domain of letter/digit/hyphen
/// labels with a dot and a top-level label of two or more letters.
enum EmailAddress {
    static func isValid(_ address: String) -> Bool {
        guard address.utf8.count <= 254 else { return false }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let local = parts[0], domain = parts[1]
        guard (1...64).contains(local.utf8.count), !local.hasPrefix("."), !local.hasSuffix("."), !local.contains(".."),
              local.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && !"()<>,;:\\\"[]".unicodeScalars.contains($0) })
        else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, let top = labels.last, top.count >= 2, top.allSatisfy(\.isLetter) else { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" }
        }
    }

    /// Addresses differing only in case are one person: providers ignore case in practice.
    static func normalized(_ address: String) -> String {
        address.lowercased()
    }
}
