import Foundation
import HummingbirdOTP

/// TOTP per RFC 6238 (HMAC-SHA1, 30-second steps, 6 digits), accepting the step before and
/// after for clock drift. The caller stores the last accepted step so a code works once only.
struct TwoFactor: Sendable {
    static let step = 30
    static let digits = 6
    static let issuer = "Lectern"

    /// 26 random letters and digits (about 155 bits): HummingbirdOTP keys HMAC with the UTF-8
    /// bytes of the secret, and authenticator apps get their base32 form.
    static func newSecret() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<26).map { _ in alphabet.randomElement(using: &generator)! })
    }

    static func totp(_ secret: String) -> TOTP {
        TOTP(secret: secret, length: digits, timeStep: step, hashFunction: .sha1)
    }

    /// The base32 key a person types into an authenticator app.
    static func typedKey(_ secret: String) -> String {
        base32(Array(secret.utf8))
    }

    static func uri(secret: String, account: String) -> String {
        totp(secret).createAuthenticatorURL(label: "\(issuer):\(account)", issuer: issuer)
    }

    /// The step a code matches (now, one before, one after), or nil. A step at or before
    /// `lastUsedStep` is refused: that code, or an older one, was already accepted.
    static func matchingStep(code: String, secret: String, now: Date = Date(), lastUsedStep: Int?) -> Int? {
        let digitsOnly = code.filter { !$0.isWhitespace }
        guard digitsOnly.count == digits, let value = Int(digitsOnly) else { return nil }
        let current = Int(now.timeIntervalSince1970) / step
        let generator = totp(secret)
        for candidate in [current, current - 1, current + 1] {
            if let lastUsedStep, candidate <= lastUsedStep { continue }
            let date = Date(timeIntervalSince1970: TimeInterval(candidate * step))
            if generator.compute(date: date) == value { return candidate }
        }
        return nil
    }

    /// RFC 4648 base32 without padding.
    static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var output = ""
        var buffer = 0, bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return output
    }

    /// Ten codes like `k7p2-9xqm-4hc3` for when the phone is lost; each works once.
    static func recoveryCodes() -> [String] {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return (0..<10).map { _ in
            (0..<3).map { _ in String((0..<4).map { _ in alphabet.randomElement(using: &generator)! }) }.joined(separator: "-")
        }
    }

    /// Recovery codes are compared without dashes, spaces or case.
    static func normalisedRecoveryCode(_ code: String) -> String {
        code.lowercased().filter { $0.isLetter || $0.isNumber }
    }
}
