import Foundation

extension OIDCProviderConfig {
    /// The providers whose credentials the environment holds, Google first.
    ///
    /// Reads `GOOGLE_CLIENT_ID`/`GOOGLE_CLIENT_SECRET` and `MICROSOFT_CLIENT_ID`/
    /// `MICROSOFT_CLIENT_SECRET`/`MICROSOFT_TENANT` (default `common`). A provider missing its id
    /// or secret is left out, so a site offers only the buttons it can honour. `OIDC_<ID>_ISSUER`
    /// (`OIDC_GOOGLE_ISSUER`) replaces a provider's discovery base, for a test provider on loopback.
    /// - Parameter environment: The variables to read; the process environment by default.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> [OIDCProviderConfig] {
        // An empty variable counts as unset: `.env` templates often leave `KEY=` lines blank.
        func value(_ name: String) -> String? {
            guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }

        var providers: [OIDCProviderConfig] = []
        if let clientID = value("GOOGLE_CLIENT_ID"), let secret = value("GOOGLE_CLIENT_SECRET") {
            providers.append(.google(clientID: clientID, clientSecret: secret))
        }
        if let clientID = value("MICROSOFT_CLIENT_ID"), let secret = value("MICROSOFT_CLIENT_SECRET") {
            providers.append(.microsoft(clientID: clientID, clientSecret: secret, tenant: value("MICROSOFT_TENANT") ?? "common"))
        }
        return providers.map { provider in
            var provider = provider
            if let issuer = value("OIDC_\(provider.id.uppercased())_ISSUER") {
                provider.issuer = issuer
            }
            return provider
        }
    }
}
