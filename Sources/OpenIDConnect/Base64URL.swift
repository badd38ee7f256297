import Foundation

/// Base64url without padding (RFC 4648 §5), the encoding of JWTs, JWKs and PKCE.
enum Base64URL {
    static func encode(_ bytes: some DataProtocol) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: some StringProtocol) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }

    /// A fresh random value for `state`, `nonce` or a PKCE verifier: 32 bytes (256 bits), as
    /// RFC 7636 §7.1 recommends, which encode to the 43 characters the verifier needs at least.
    static func randomToken(byteCount: Int = 32) -> String {
        // SystemRandomNumberGenerator reads the OS's cryptographically secure source.
        var generator = SystemRandomNumberGenerator()
        return encode((0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}
