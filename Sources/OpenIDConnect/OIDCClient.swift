import AsyncHTTPClient
import Foundation

/// Signs people in with one OpenID Connect provider: the authorization code flow with PKCE,
/// ending in a verified ID token.
///
/// Create one per provider and keep it: it caches the provider's discovery document and keys.
/// Copies share the cache.
public struct OIDCClient: Sendable {
    /// The provider this client signs in with.
    public let provider: OIDCProviderConfig
    private let httpClient: HTTPClient
    private let metadata: ProviderMetadataCache

    /// Creates a client; nothing is fetched until the first sign-in.
    /// - Parameters:
    ///   - provider: The provider and this site's credentials with it.
    ///   - httpClient: Used for discovery, keys and the token request; the caller owns its lifetime.
    public init(provider: OIDCProviderConfig, httpClient: HTTPClient) {
        self.provider = provider
        self.httpClient = httpClient
        self.metadata = ProviderMetadataCache(provider: provider, httpClient: httpClient)
    }

    /// Starts a sign-in: the URL to redirect the browser to, and fresh `state`, `nonce` and PKCE
    /// verifier that the caller stores until the provider redirects back.
    /// - Parameter redirectURI: This site's callback URL, exactly as registered with the provider.
    /// - Throws: ``OIDCError`` when the discovery document cannot be read.
    public func authorizationRequest(redirectURI: String) async throws(OIDCError) -> AuthorizationRequest {
        let discovery = try await metadata.discoveryDocument()
        let state = Base64URL.randomToken()
        let nonce = Base64URL.randomToken()
        let codeVerifier = Base64URL.randomToken()
        let query = FormURLEncoding.encode([
            ("response_type", "code"),
            ("client_id", provider.clientID),
            ("redirect_uri", redirectURI),
            ("scope", provider.scopes.joined(separator: " ")),
            ("state", state),
            ("nonce", nonce),
            ("code_challenge", PKCE.challenge(for: codeVerifier)),
            ("code_challenge_method", "S256"),
        ])
        let separator = discovery.authorizationEndpoint.contains("?") ? "&" : "?"
        return AuthorizationRequest(
            url: discovery.authorizationEndpoint + separator + query,
            state: state, nonce: nonce, codeVerifier: codeVerifier
        )
    }

    /// Finishes a sign-in: exchanges the code from the callback for tokens and verifies the ID token.
    ///
    /// The caller must already have matched the callback's `state` to the one it stored.
    /// - Parameters:
    ///   - code: The `code` query parameter of the callback.
    ///   - codeVerifier: The ``AuthorizationRequest/codeVerifier`` stored for this sign-in.
    ///   - redirectURI: The same redirect URI the authorization request used.
    ///   - expectedNonce: The ``AuthorizationRequest/nonce`` stored for this sign-in.
    /// - Returns: The identity the provider vouches for.
    /// - Throws: ``OIDCError`` naming the step or check that failed.
    public func finish(
        code: String, codeVerifier: String, redirectURI: String, expectedNonce: String
    ) async throws(OIDCError) -> IdentityClaims {
        let discovery = try await metadata.discoveryDocument()
        let idToken = try await exchange(
            code: code, codeVerifier: codeVerifier, redirectURI: redirectURI, at: discovery.tokenEndpoint
        )
        let verifier = IDTokenVerifier(
            clientID: provider.clientID, issuerPolicy: provider.issuerPolicy, discoveredIssuer: discovery.issuer
        )
        let metadata = self.metadata
        return try await verifier.verify(idToken, expectedNonce: expectedNonce) { keyID throws(OIDCError) in
            try await metadata.keys(containing: keyID, jwksURI: discovery.jwksURI)
        }
    }

    /// The token request of RFC 6749 §4.1.3 with the PKCE verifier, authenticating the client
    /// with its secret in the body (`client_secret_post`), which Google and Microsoft accept.
    private func exchange(
        code: String, codeVerifier: String, redirectURI: String, at tokenEndpoint: String
    ) async throws(OIDCError) -> String {
        var request = HTTPClientRequest(url: tokenEndpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        let form = FormURLEncoding.encode([
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirectURI),
            ("client_id", provider.clientID),
            ("client_secret", provider.clientSecret),
            ("code_verifier", codeVerifier),
        ])
        request.body = .bytes(Array(form.utf8))

        let response: TokenResponse
        do {
            response = try await httpClient.fetchJSON(TokenResponse.self, request)
        } catch {
            if let status = error.status {
                let oauthError = error.body.flatMap { try? JSONDecoder().decode(TokenErrorResponse.self, from: $0) }
                throw .tokenRequestRejected(status: status, error: oauthError?.error)
            }
            throw .tokenRequestFailed(url: tokenEndpoint, reason: error.reason)
        }
        guard let idToken = response.idToken, !idToken.isEmpty else { throw .missingIDToken }
        return idToken
    }

    private struct TokenResponse: Decodable {
        var idToken: String?
        enum CodingKeys: String, CodingKey { case idToken = "id_token" }
    }

    /// RFC 6749 §5.2; only the error code is kept, as `error_description` may echo the request.
    private struct TokenErrorResponse: Decodable {
        var error: String
    }
}
