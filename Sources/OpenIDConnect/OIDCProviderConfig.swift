/// One OpenID Connect provider people can sign in with: where to discover it, the credentials
/// this site was registered with, and how the `iss` claim of its ID tokens is checked.
public struct OIDCProviderConfig: Sendable, Equatable {
    /// How the `iss` claim of an ID token is checked against the discovery document.
    public enum IssuerPolicy: Sendable, Equatable {
        /// The discovery document must name `issuer` itself (OpenID Connect Discovery §4.3), and
        /// every token's `iss` must equal it: Google, or a single Microsoft tenant.
        case exact
        /// Microsoft's `common`, `organizations` and `consumers` endpoints sign tokens for many
        /// tenants, so their discovery document's issuer is a template holding `{tenantid}`.
        /// A token's `iss` must equal that template filled in with the token's own `tid`, which
        /// stops a token of one tenant from passing as another's.
        case microsoftMultiTenant
    }

    /// Stable identifier used in routes and environment variables (`google`, `microsoft`).
    public var id: String
    /// What the sign-in button says (`Google`).
    public var name: String
    /// The discovery base: the document is read from `<issuer>/.well-known/openid-configuration`.
    public var issuer: String
    /// The OAuth client id this site was registered with; ID tokens must name it in `aud`.
    public var clientID: String
    /// Sent only to the token endpoint; kept out of ``description``.
    public var clientSecret: String
    /// Scopes asked for; `openid` must stay for the provider to return an ID token.
    public var scopes: [String]
    /// How the `iss` claim of this provider's tokens is checked.
    public var issuerPolicy: IssuerPolicy

    /// The scopes a sign-in needs: an ID token, the address and the display name.
    public static let defaultScopes = ["openid", "email", "profile"]

    /// Creates a provider configuration.
    /// - Parameters:
    ///   - id: Stable identifier (`google`); also names the `OIDC_<ID>_ISSUER` override.
    ///   - name: Display name for the sign-in button.
    ///   - issuer: Discovery base URL, without `/.well-known/openid-configuration`.
    ///   - clientID: The OAuth client id this site was registered with.
    ///   - clientSecret: The matching client secret.
    ///   - scopes: Scopes to ask for; defaults to ``defaultScopes``.
    ///   - issuerPolicy: How ID token issuers are checked; defaults to ``IssuerPolicy/exact``.
    public init(
        id: String, name: String, issuer: String, clientID: String, clientSecret: String,
        scopes: [String] = OIDCProviderConfig.defaultScopes, issuerPolicy: IssuerPolicy = .exact
    ) {
        self.id = id
        self.name = name
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scopes = scopes
        self.issuerPolicy = issuerPolicy
    }

    /// Google accounts, whose tokens carry the fixed issuer `https://accounts.google.com`.
    public static func google(clientID: String, clientSecret: String) -> OIDCProviderConfig {
        OIDCProviderConfig(
            id: "google", name: "Google", issuer: "https://accounts.google.com",
            clientID: clientID, clientSecret: clientSecret, issuerPolicy: .exact
        )
    }

    /// Microsoft accounts through the v2.0 endpoint.
    /// - Parameter tenant: `common` (work, school and personal accounts), `organizations`,
    ///   `consumers`, or one tenant's id or domain.
    public static func microsoft(clientID: String, clientSecret: String, tenant: String = "common") -> OIDCProviderConfig {
        // One policy fits every tenant value: a single tenant's discovery issuer holds no
        // `{tenantid}`, so filling in the template leaves it unchanged and the check is exact.
        OIDCProviderConfig(
            id: "microsoft", name: "Microsoft", issuer: "https://login.microsoftonline.com/\(tenant)/v2.0",
            clientID: clientID, clientSecret: clientSecret, issuerPolicy: .microsoftMultiTenant
        )
    }

    /// Where the discovery document is read from.
    var discoveryURL: String {
        var base = issuer
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/.well-known/openid-configuration"
    }
}

extension OIDCProviderConfig: CustomStringConvertible {
    /// The provider, issuer and client id; configurations end up in logs, the secret must not.
    public var description: String {
        "\(id) (\(name), issuer \(issuer), client \(clientID), client secret redacted)"
    }
}
