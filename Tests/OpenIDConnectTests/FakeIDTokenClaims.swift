import Crypto
import Foundation

/// The claims the fake provider puts in its next ID token; tests edit them to forge bad tokens.
struct FakeIDTokenClaims: Encodable, Sendable {
    /// `email_verified` in either form providers send.
    enum Flag: Encodable, Sendable {
        case bool(Bool)
        case string(String)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .bool(let value): try container.encode(value)
            case .string(let value): try container.encode(value)
            }
        }
    }

    var iss: String?
    var sub: String? = "110169484474386276334"
    /// Encoded as a plain string when there is one audience, as providers do.
    var aud: [String]
    var azp: String?
    var exp: Date?
    var iat: Date?
    var nbf: Date?
    var nonce: String?
    var email: String? = "ada@example.com"
    var emailVerified: Flag? = .bool(true)
    var name: String? = "Ada Lovelace"
    var tid: String?

    private enum CodingKeys: String, CodingKey {
        case iss, sub, aud, azp, exp, iat, nbf, nonce, email, name, tid
        case emailVerified = "email_verified"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(iss, forKey: .iss)
        try container.encodeIfPresent(sub, forKey: .sub)
        if aud.count == 1 {
            try container.encode(aud[0], forKey: .aud)
        } else {
            try container.encode(aud, forKey: .aud)
        }
        try container.encodeIfPresent(azp, forKey: .azp)
        try container.encodeIfPresent(exp.map { Int($0.timeIntervalSince1970) }, forKey: .exp)
        try container.encodeIfPresent(iat.map { Int($0.timeIntervalSince1970) }, forKey: .iat)
        try container.encodeIfPresent(nbf.map { Int($0.timeIntervalSince1970) }, forKey: .nbf)
        try container.encodeIfPresent(nonce, forKey: .nonce)
        try container.encodeIfPresent(email, forKey: .email)
        try container.encodeIfPresent(emailVerified, forKey: .emailVerified)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encodeIfPresent(tid, forKey: .tid)
    }
}

/// How the fake signs its next ID token.
enum FakeTokenSigning: Sendable {
    /// A real signature by `key`, naming its `kid` and algorithm.
    case key(TestSigningKey)
    /// A real signature by `key`, but under another key's `kid`.
    case keyUnderID(TestSigningKey, kid: String)
    /// `alg: none` and an empty signature.
    case unsigned(kid: String)
    /// HS256 with the public key's PEM as the HMAC secret, under the public key's `kid`.
    case hmacWithPublicKey(TestSigningKey)

    func sign(_ claims: FakeIDTokenClaims) throws -> String {
        let header: [String: String] =
            switch self {
            case .key(let key): ["alg": key.algorithm, "kid": key.kid, "typ": "JWT"]
            case .keyUnderID(let key, let kid): ["alg": key.algorithm, "kid": kid, "typ": "JWT"]
            case .unsigned(let kid): ["alg": "none", "kid": kid, "typ": "JWT"]
            case .hmacWithPublicKey(let key): ["alg": "HS256", "kid": key.kid, "typ": "JWT"]
            }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let signingInput = try base64URL(encoder.encode(header)) + "." + base64URL(encoder.encode(claims))
        let signature: Data =
            switch self {
            case .key(let key), .keyUnderID(let key, _): try key.signature(for: Data(signingInput.utf8))
            case .unsigned: Data()
            case .hmacWithPublicKey(let key):
                Data(
                    HMAC<SHA256>.authenticationCode(
                        for: Data(signingInput.utf8), using: SymmetricKey(data: Data(key.publicKeyPEM.utf8))
                    )
                )
            }
        return signingInput + "." + base64URL(signature)
    }
}
