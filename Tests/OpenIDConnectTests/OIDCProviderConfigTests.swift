import OpenIDConnect
import Testing

@Suite("Provider configuration from the environment")
struct OIDCProviderConfigTests {
    @Test("Only providers with both a client id and a secret are offered")
    func onlyCompleteProviders() {
        #expect(OIDCProviderConfig.fromEnvironment([:]).isEmpty)
        #expect(OIDCProviderConfig.fromEnvironment(["GOOGLE_CLIENT_ID": "g-id"]).isEmpty)
        #expect(OIDCProviderConfig.fromEnvironment(["GOOGLE_CLIENT_ID": "g-id", "GOOGLE_CLIENT_SECRET": ""]).isEmpty)
        #expect(OIDCProviderConfig.fromEnvironment(["MICROSOFT_CLIENT_SECRET": "m-secret"]).isEmpty)
    }

    @Test("Google and Microsoft read their own variables, Google first")
    func bothProviders() {
        let providers = OIDCProviderConfig.fromEnvironment([
            "MICROSOFT_CLIENT_ID": "m-id", "MICROSOFT_CLIENT_SECRET": "m-secret",
            "GOOGLE_CLIENT_ID": "g-id", "GOOGLE_CLIENT_SECRET": "g-secret",
        ])
        #expect(
            providers == [
                .google(clientID: "g-id", clientSecret: "g-secret"),
                .microsoft(clientID: "m-id", clientSecret: "m-secret", tenant: "common"),
            ]
        )
        #expect(providers[0].issuer == "https://accounts.google.com")
        #expect(providers[0].issuerPolicy == .exact)
        #expect(providers[0].scopes == ["openid", "email", "profile"])
        #expect(providers[1].issuer == "https://login.microsoftonline.com/common/v2.0")
        #expect(providers[1].issuerPolicy == .microsoftMultiTenant)
    }

    @Test("MICROSOFT_TENANT picks the discovery endpoint")
    func microsoftTenant() {
        let providers = OIDCProviderConfig.fromEnvironment([
            "MICROSOFT_CLIENT_ID": "m-id", "MICROSOFT_CLIENT_SECRET": "m-secret", "MICROSOFT_TENANT": "organizations",
        ])
        #expect(providers.map(\.issuer) == ["https://login.microsoftonline.com/organizations/v2.0"])
    }

    @Test("OIDC_<ID>_ISSUER points one provider elsewhere and keeps its policy")
    func issuerOverride() {
        let providers = OIDCProviderConfig.fromEnvironment([
            "GOOGLE_CLIENT_ID": "g-id", "GOOGLE_CLIENT_SECRET": "g-secret",
            "MICROSOFT_CLIENT_ID": "m-id", "MICROSOFT_CLIENT_SECRET": "m-secret",
            "OIDC_MICROSOFT_ISSUER": "http://127.0.0.1:9999/common/v2.0",
        ])
        #expect(providers.map(\.issuer) == ["https://accounts.google.com", "http://127.0.0.1:9999/common/v2.0"])
        #expect(providers[1].issuerPolicy == .microsoftMultiTenant)
    }

    @Test("The description leaves the secret out")
    func descriptionRedactsSecret() {
        let provider = OIDCProviderConfig.google(clientID: "g-id", clientSecret: "g-secret-value")
        #expect(!String(describing: provider).contains("g-secret-value"))
        #expect(String(describing: provider).contains("g-id"))
    }
}
