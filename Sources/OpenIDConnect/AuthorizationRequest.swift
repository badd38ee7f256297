/// Where to send the browser to sign in, and the secrets the callback will need.
///
/// The caller keeps `state`, `nonce` and `codeVerifier` server-side (or in a signed, short-lived
/// cookie) and hands them back to ``OIDCClient/finish(code:codeVerifier:redirectURI:expectedNonce:)``.
public struct AuthorizationRequest: Sendable, Equatable {
    /// The provider's authorization endpoint with every parameter of the request.
    public var url: String
    /// Echoed back on the redirect; the callback must reject a `state` it did not issue (CSRF).
    public var state: String
    /// Echoed inside the ID token; ties the token to this sign-in attempt (replay).
    public var nonce: String
    /// The PKCE secret whose SHA-256 went out as `code_challenge`; proves the code is ours.
    public var codeVerifier: String

    /// Creates a request; ``OIDCClient/authorizationRequest(redirectURI:)`` is the usual source.
    public init(url: String, state: String, nonce: String, codeVerifier: String) {
        self.url = url
        self.state = state
        self.nonce = nonce
        self.codeVerifier = codeVerifier
    }
}
