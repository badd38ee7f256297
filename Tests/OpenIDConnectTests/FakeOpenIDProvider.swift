import Crypto
import Foundation
import Hummingbird

/// An OpenID provider small enough to read, served on loopback for the tests: discovery, keys,
/// an authorize endpoint that consents at once, and a token endpoint that checks PKCE.
struct FakeOpenIDProvider: Sendable {
    /// Which real provider's shape the fake takes.
    enum Style: Sendable {
        /// One fixed issuer, keys published with `alg`.
        case google
        /// A `{tenantid}` issuer template behind `/common/v2.0`, keys published without `alg`.
        case microsoft
    }

    static let clientID = "lectern-test.apps.example"
    static let clientSecret = "fake-client-secret"
    static let tenantID = "72f988bf-86f1-41af-91ab-2d7cd011db47"

    let style: Style
    let state = FakeProviderState()

    /// Where the client should discover this provider (the `OIDC_<ID>_ISSUER` value).
    func discoveryBase(at baseURL: String) -> String {
        switch style {
        case .google: baseURL
        case .microsoft: baseURL + "/common/v2.0"
        }
    }

    /// The issuer the discovery document names.
    func discoveredIssuer(at baseURL: String) -> String {
        switch style {
        case .google: baseURL
        case .microsoft: baseURL + "/{tenantid}/v2.0"
        }
    }

    /// The claims of an honest token for `grant`; tests change them through the state.
    func honestClaims(for grant: FakeProviderState.Grant, baseURL: String) -> FakeIDTokenClaims {
        let now = Date()
        var claims = FakeIDTokenClaims(
            iss: discoveredIssuer(at: baseURL), aud: [Self.clientID], azp: Self.clientID,
            exp: now.addingTimeInterval(3600), iat: now, nonce: grant.nonce
        )
        if style == .microsoft {
            claims.iss = discoveredIssuer(at: baseURL).replacingOccurrences(of: "{tenantid}", with: Self.tenantID)
            claims.tid = Self.tenantID
            claims.azp = nil
            claims.emailVerified = nil
        }
        return claims
    }

    func buildApplication() -> some ApplicationProtocol {
        let router = Router()
        router.get(RouterPath(discoveryBase(at: "") + "/.well-known/openid-configuration")) { _, _ in
            try await discovery()
        }
        router.get("/keys") { _, _ in try await keySet() }
        router.get("/authorize") { request, _ in try await authorize(request) }
        router.post("/token") { request, context in try await token(request, context: context) }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}

// MARK: - Routes

extension FakeOpenIDProvider {
    struct Discovery: ResponseEncodable {
        var issuer: String
        var authorization_endpoint: String
        var token_endpoint: String
        var jwks_uri: String
        var response_types_supported = ["code"]
        var id_token_signing_alg_values_supported = ["RS256"]
    }

    struct KeySet: ResponseEncodable {
        var keys: [[String: String]]
    }

    struct TokenForm: Decodable {
        var grant_type: String
        var code: String
        var redirect_uri: String
        var client_id: String
        var client_secret: String
        var code_verifier: String
    }

    struct Tokens: ResponseEncodable {
        var access_token = "fake-access-token"
        var token_type = "Bearer"
        var expires_in = 3600
        var id_token: String
    }

    /// RFC 6749 §5.2's error body.
    struct OAuthError: ResponseEncodable {
        var error: String
    }

    func discovery() async throws -> Discovery {
        let base = await state.recordDiscoveryFetch()
        return Discovery(
            issuer: discoveredIssuer(at: base), authorization_endpoint: base + "/authorize",
            token_endpoint: base + "/token", jwks_uri: base + "/keys"
        )
    }

    func keySet() async throws -> KeySet {
        let keys = await state.recordKeySetFetch()
        return try KeySet(keys: keys.map { try $0.jwk(includingAlgorithm: style == .google) })
    }

    /// Consents at once and redirects back with a code, recording what PKCE and the token need.
    func authorize(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        guard query["client_id"].map(String.init) == Self.clientID,
            query["response_type"] == "code",
            query["code_challenge_method"] == "S256",
            let challenge = query["code_challenge"], let redirectURI = query["redirect_uri"],
            let scope = query["scope"], scope.split(separator: " ").contains("openid"),
            let state = query["state"], let nonce = query["nonce"]
        else {
            throw HTTPError(.badRequest, message: "not an OpenID authorization code request with PKCE")
        }
        let code = await self.state.recordGrant(
            .init(codeChallenge: String(challenge), nonce: String(nonce), redirectURI: String(redirectURI), scope: String(scope))
        )
        let separator = redirectURI.contains("?") ? "&" : "?"
        let location = "\(redirectURI)\(separator)code=\(code)&state=\(state)"
        return Response(status: .found, headers: [.location: location])
    }

    /// Exchanges a code once, for the client whose secret and PKCE verifier match.
    func token(_ request: Request, context: some RequestContext) async throws -> EditedResponse<some ResponseGenerator> {
        let form = try await URLEncodedFormDecoder().decode(TokenForm.self, from: request, context: context)
        guard form.client_id == Self.clientID, form.client_secret == Self.clientSecret else {
            return EditedResponse(status: .unauthorized, response: Either.error(OAuthError(error: "invalid_client")))
        }
        guard form.grant_type == "authorization_code", let grant = await state.redeem(code: form.code),
            grant.redirectURI == form.redirect_uri,
            base64URL(Array(SHA256.hash(data: Data(form.code_verifier.utf8)))) == grant.codeChallenge
        else {
            return EditedResponse(status: .badRequest, response: Either.error(OAuthError(error: "invalid_grant")))
        }
        let (base, customize, signing) = await state.nextToken()
        var claims = honestClaims(for: grant, baseURL: base)
        customize(&claims)
        return EditedResponse(status: .ok, response: Either.tokens(Tokens(id_token: try signing.sign(claims))))
    }

    /// One of two bodies from the token endpoint, as one response type.
    enum Either: ResponseGenerator {
        case tokens(Tokens)
        case error(OAuthError)

        func response(from request: Request, context: some RequestContext) throws -> Response {
            switch self {
            case .tokens(let tokens): try tokens.response(from: request, context: context)
            case .error(let error): try error.response(from: request, context: context)
            }
        }
    }
}
