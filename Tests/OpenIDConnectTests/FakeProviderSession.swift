import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import OpenIDConnect
import Testing

/// A fake provider listening on loopback, an `OIDCClient` configured for it the way the `auth`
/// function will be (through the environment), and a browser to consent with.
struct FakeProviderSession: Sendable {
    /// Carries a query of its own, so escaping and the redirect's `?`/`&` are exercised.
    static let redirectURI = "https://lectern.test/auth/callback?via=sign-in"

    let provider: FakeOpenIDProvider
    let baseURL: String
    let client: OIDCClient
    let browser: any TestClientProtocol

    var state: FakeProviderState { provider.state }

    /// Starts a fake provider of `style` on 127.0.0.1, runs `body`, and stops it.
    static func run(
        _ style: FakeOpenIDProvider.Style, _ body: @escaping @Sendable (FakeProviderSession) async throws -> Void
    ) async throws {
        let provider = FakeOpenIDProvider(style: style)
        try await provider.buildApplication().test(.live) { browser in
            let baseURL = "http://127.0.0.1:\(try #require(browser.port))"
            await provider.state.setBaseURL(baseURL)
            let prefix = style == .google ? "GOOGLE" : "MICROSOFT"
            let environment = [
                "\(prefix)_CLIENT_ID": FakeOpenIDProvider.clientID,
                "\(prefix)_CLIENT_SECRET": FakeOpenIDProvider.clientSecret,
                "OIDC_\(prefix)_ISSUER": provider.discoveryBase(at: baseURL),
            ]
            let config = try #require(OIDCProviderConfig.fromEnvironment(environment).first)
            let client = OIDCClient(provider: config, httpClient: .shared)
            try await body(FakeProviderSession(provider: provider, baseURL: baseURL, client: client, browser: browser))
        }
    }

    /// Plays the person on the consent screen: opens the authorization URL and returns the code
    /// the provider redirects back with.
    func consent(to request: AuthorizationRequest) async throws -> String {
        let url = try #require(URLComponents(string: request.url))
        let response = try await browser.execute(uri: "\(url.percentEncodedPath)?\(url.percentEncodedQuery ?? "")", method: .get)
        #expect(response.status == .found)
        let location = try #require(response.headers[.location].flatMap { URLComponents(string: $0) })
        let items = location.queryItems ?? []
        #expect(items.first { $0.name == "state" }?.value == request.state)
        return try #require(items.first { $0.name == "code" }?.value)
    }

    /// A whole sign-in, handing back what the caller stored unless a test substitutes a value.
    @discardableResult
    func signIn(codeVerifier: String? = nil, expectedNonce: String? = nil) async throws -> IdentityClaims {
        let request = try await client.authorizationRequest(redirectURI: Self.redirectURI)
        let code = try await consent(to: request)
        return try await client.finish(
            code: code, codeVerifier: codeVerifier ?? request.codeVerifier,
            redirectURI: Self.redirectURI, expectedNonce: expectedNonce ?? request.nonce
        )
    }
}
