/// Who signed in, as the provider vouched for it in a verified ID token.
public struct IdentityClaims: Sendable, Equatable {
    /// The token's `iss`; together with `subject` it identifies the account for good.
    public var issuer: String
    /// The token's `sub`: stable for this account and this client, unlike the address.
    public var subject: String
    /// The address the provider has for the account; trust it only with ``emailVerified``.
    public var email: String?
    /// True only when the provider said so: Google sends a JSON bool, some providers the string
    /// `"true"`, and Microsoft's v2.0 tokens never send it, so an absent claim reads as false.
    public var emailVerified: Bool
    /// Display name; may change and is not unique.
    public var name: String?
    /// Microsoft's `tid`: the directory (tenant) the account belongs to.
    public var tenantID: String?

    /// Creates claims; ``OIDCClient/finish(code:codeVerifier:redirectURI:expectedNonce:)`` is the usual source.
    public init(
        issuer: String, subject: String, email: String? = nil, emailVerified: Bool = false,
        name: String? = nil, tenantID: String? = nil
    ) {
        self.issuer = issuer
        self.subject = subject
        self.email = email
        self.emailVerified = emailVerified
        self.name = name
        self.tenantID = tenantID
    }
}
