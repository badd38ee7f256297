import Crypto
import Foundation
import _CryptoExtras

/// A private key the fake provider signs ID tokens with, and the public JWK it publishes.
enum TestSigningKey: Sendable {
    case rsa(kid: String, key: _RSA.Signing.PrivateKey)
    case p256(kid: String, key: P256.Signing.PrivateKey)

    // RSA key generation is slow in a debug build, so each key is made once per test run.
    static let primary = rsa(kid: "key-2026-01")
    static let rotated = rsa(kid: "key-2026-02")
    /// Another key published under the primary's id: what a forger without the real key has.
    static let forger = rsa(kid: "key-2026-01")
    static let elliptic = TestSigningKey.p256(kid: "ec-2026-01", key: P256.Signing.PrivateKey())

    private static func rsa(kid: String) -> TestSigningKey {
        // Generating a test key cannot fail short of a broken crypto build, so `try!` is fine.
        .rsa(kid: kid, key: try! _RSA.Signing.PrivateKey(keySize: .bits2048))
    }

    var kid: String {
        switch self {
        case .rsa(let kid, _), .p256(let kid, _): kid
        }
    }

    var algorithm: String {
        switch self {
        case .rsa: "RS256"
        case .p256: "ES256"
        }
    }

    /// The public key as a JWK; Microsoft publishes no `alg`, Google does.
    func jwk(includingAlgorithm: Bool) throws -> [String: String] {
        var jwk: [String: String]
        switch self {
        case .rsa(let kid, let key):
            let primitives = try key.publicKey.getKeyPrimitives()
            jwk = [
                "kty": "RSA", "kid": kid, "use": "sig",
                "n": base64URL(primitives.modulus), "e": base64URL(primitives.publicExponent),
            ]
        case .p256(let kid, let key):
            // x963 is 0x04 ‖ x ‖ y, 32 bytes each.
            let point = key.publicKey.x963Representation
            jwk = [
                "kty": "EC", "kid": kid, "use": "sig", "crv": "P-256",
                "x": base64URL(point.dropFirst().prefix(32)), "y": base64URL(point.suffix(32)),
            ]
        }
        if includingAlgorithm { jwk["alg"] = algorithm }
        return jwk
    }

    /// The public key in PEM, the bytes an algorithm-confusion attacker uses as an HMAC secret.
    var publicKeyPEM: String {
        switch self {
        case .rsa(_, let key): key.publicKey.pemRepresentation
        case .p256(_, let key): key.publicKey.pemRepresentation
        }
    }

    func signature(for signingInput: Data) throws -> Data {
        switch self {
        case .rsa(_, let key):
            // RS256 is PKCS #1 v1.5 over SHA-256; swift-crypto names that padding insecure for
            // new designs, but it is what JWTs use.
            try key.signature(for: signingInput, padding: .insecurePKCS1v1_5).rawRepresentation
        case .p256(_, let key):
            // JWS wants the raw r ‖ s form, not DER.
            try key.signature(for: signingInput).rawRepresentation
        }
    }
}

func base64URL(_ bytes: some DataProtocol) -> String {
    Data(bytes).base64EncodedString()
        .replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}
