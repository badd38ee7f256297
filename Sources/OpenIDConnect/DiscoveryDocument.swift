/// The fields of a provider's `/.well-known/openid-configuration` that sign-in needs.
struct DiscoveryDocument: Decodable, Sendable {
    /// For Microsoft's multi-tenant endpoints a template holding `{tenantid}`.
    var issuer: String
    var authorizationEndpoint: String
    var tokenEndpoint: String
    var jwksURI: String

    enum CodingKeys: String, CodingKey {
        case issuer
        case authorizationEndpoint = "authorization_endpoint"
        case tokenEndpoint = "token_endpoint"
        case jwksURI = "jwks_uri"
    }
}
