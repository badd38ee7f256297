import Accounts
import Crypto
import Foundation

/// Stripe's `Stripe-Signature: t=<unix time>,v1=<hex>,v1=<hex>,v0=…`: HMAC-SHA256 of
/// `"<t>.<raw body>"` with the endpoint secret. Any `v1` may match (during a secret rotation
/// Stripe signs with both); `v0` is ignored; a timestamp more than `tolerance` seconds from now
/// is refused, so a captured request cannot be replayed later.
enum StripeSignature {
    enum Failure: Error, Equatable, CustomStringConvertible {
        case missing, malformed, stale, mismatch

        var description: String {
            switch self {
            case .missing: "The Stripe-Signature header is missing."
            case .malformed: "The Stripe-Signature header has no timestamp or no v1 signature."
            case .stale: "The signature's timestamp is more than 5 minutes away from now."
            case .mismatch: "No v1 signature matches the body with the endpoint secret."
            }
        }
    }

    static let tolerance = 300

    static func verify(header: String?, body: [UInt8], secrets: [String], now: Int = Int(Date().timeIntervalSince1970)) throws {
        guard let header else { throw Failure.missing }
        var timestamp: Int?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            switch pair[0] {
            case "t": timestamp = Int(pair[1])
            case "v1": signatures.append(pair[1].lowercased())
            default: continue
            }
        }
        guard let timestamp, !signatures.isEmpty else { throw Failure.malformed }
        guard abs(now - timestamp) <= tolerance else { throw Failure.stale }
        let signed = Array("\(timestamp).".utf8) + body
        for secret in secrets {
            let expected = Hex.encode(HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(secret.utf8))))
            if signatures.contains(where: { SecureToken.constantTimeEquals($0, expected) }) { return }
        }
        throw Failure.mismatch
    }

    /// The header Stripe would send, for `lectern payments replay` and tests.
    static func header(body: [UInt8], secret: String, timestamp: Int = Int(Date().timeIntervalSince1970)) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(timestamp).".utf8) + body, using: SymmetricKey(data: Data(secret.utf8)))
        return "t=\(timestamp),v1=\(Hex.encode(mac))"
    }
}

/// Lemon Squeezy's `X-Signature`: the hex HMAC-SHA256 of the raw body with the signing secret.
enum LemonSqueezySignature {
    enum Failure: Error, CustomStringConvertible {
        case missing, mismatch

        var description: String {
            switch self {
            case .missing: "The X-Signature header is missing."
            case .mismatch: "X-Signature does not match the body with the signing secret."
            }
        }
    }

    static func verify(header: String?, body: [UInt8], secrets: [String]) throws {
        guard let header, !header.isEmpty else { throw Failure.missing }
        for secret in secrets {
            let expected = Hex.encode(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8))))
            if SecureToken.constantTimeEquals(header.lowercased(), expected) { return }
        }
        throw Failure.mismatch
    }

    static func header(body: [UInt8], secret: String) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8))))
    }
}

enum Hex {
    static func encode<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func encode(_ mac: HashedAuthenticationCode<SHA256>) -> String {
        encode(Array(mac))
    }
}
