import Foundation

/// NIST SP 800-63B rules: 8 to 128 characters, no composition rules, not a common password,
/// not the account's own address.
struct PasswordPolicy: Sendable {
    let common: Set<String>

    static let minimumLength = 8
    static let maximumLength = 128

    /// The list shipped in `Resources/common-passwords.txt`.
    static func bundled() throws -> PasswordPolicy {
        guard let url = Bundle.module.url(forResource: "common-passwords", withExtension: "txt") else {
            throw CocoaError(.fileNoSuchFile)
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        let words = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { String($0) }
        return PasswordPolicy(common: Set(words))
    }

    /// Why `password` is refused, or nil when it is fine.
    func problem(with password: String, email: String?) -> String? {
        let length = password.count
        if length < Self.minimumLength { return "Use at least \(Self.minimumLength) characters." }
        if length > Self.maximumLength { return "Use at most \(Self.maximumLength) characters." }
        let lowered = password.lowercased()
        if common.contains(lowered) { return "This password is one of the most common ones. Choose another." }
        if let email, lowered == email.lowercased() || lowered == email.split(separator: "@").first.map({ $0.lowercased() }) {
            return "Don't use your email address as your password."
        }
        return nil
    }
}
