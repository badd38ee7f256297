import Crypto

/// Proof Key for Code Exchange (RFC 7636): a stolen authorization code is useless without the
/// verifier that only this server holds.
enum PKCE {
    /// The `S256` challenge sent with the authorization request for `verifier`.
    static func challenge(for verifier: String) -> String {
        Base64URL.encode(Array(SHA256.hash(data: Array(verifier.utf8))))
    }
}
