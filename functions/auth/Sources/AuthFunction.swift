import Accounts
import FunctionKit
import Foundation
import HTTPTypes
import Hummingbird
import Mail
import OpenIDConnect
import AsyncHTTPClient
import Store

/// Accounts and sign-in: `/api/auth/…` (see docs/AUTH.md).
public enum AuthFunction {
    public static let name = "auth"

    public static func buildApplication(config: FunctionConfig) async throws -> some ApplicationProtocol {
        let policy = try PasswordPolicy.bundled()
        return try await FunctionApp.build(config: config, migrations: AccountsSchema.migrations) { routes, environment in
            try addRoutes(to: routes, environment: environment, policy: policy)
        }
    }

    public static func addRoutes(to routes: FunctionRoutes, environment: FunctionEnvironment) throws {
        try addRoutes(to: routes, environment: environment, policy: try PasswordPolicy.bundled())
    }

    static func addRoutes(to routes: FunctionRoutes, environment: FunctionEnvironment, policy: PasswordPolicy) throws {
        let config = environment.config
        let secrets = try AuthSecrets.from(config)
        let settings = try SessionSettings.from(config)
        // SMTP when `SMTP_URL` is set; otherwise the outbox folder (`MAIL_OUTBOX`), links logged.
        let mail = try MailConfiguration(environment: config.environment)
        let services = AuthServices(
            store: environment.store, config: config,
            authenticator: Authenticator(store: environment.store, secrets: secrets, settings: settings),
            hasher: PasswordHasher(secrets: secrets, cost: try hashCost(config)),
            policy: policy, box: SecretBox(secrets: secrets),
            limiter: AttemptLimiter(store: environment.store), audit: AuditLog(store: environment.store),
            mail: AuthMail(mailer: mail.makeMailer(logger: environment.logger), from: mail.sender,
                           siteURL: settings.siteURL, siteName: siteName(config)),
            logger: environment.logger)
        let signIn = SignInRoutes(services: services)
        signIn.add(to: routes)
        PasswordRoutes(services: services).add(to: routes)
        SessionRoutes(services: services).add(to: routes)
        TwoFactorRoutes(services: services).add(to: routes)
        TokenRoutes(services: services, signIn: signIn).add(to: routes)
        PrivacyRoutes(services: services).add(to: routes)
        AdminRoutes(services: services, environment: environment).add(to: routes)
        ProviderRoutes(services: services, providers: OIDCProviderConfig.fromEnvironment(config.environment),
                       httpClient: HTTPClient.shared).add(to: routes)
    }

    /// bcrypt's cost: 12 unless `PASSWORD_HASH_COST` says otherwise (10–15; each step doubles
    /// the work). The cost is stored in each hash, so raising it upgrades hashes at sign-in.
    static func hashCost(_ config: FunctionConfig) throws -> Int {
        guard let text = config.environment["PASSWORD_HASH_COST"], !text.isEmpty else { return 12 }
        guard let cost = Int(text), (10...15).contains(cost) else {
            throw FunctionConfig.Invalid(variable: "PASSWORD_HASH_COST", message: "must be a whole number from 10 to 15, got '\(text)'")
        }
        return cost
    }

    /// The site's title from the build's manifest, for email subjects.
    static func siteName(_ config: FunctionConfig) -> String {
        if let name = config.environment["SITE_NAME"], !name.isEmpty { return name }
        let manifest = ManifestFile(path: config.privateDirectory + "/manifest.json")
        return (try? manifest.manifest().site.title) ?? "Lectern"
    }
}
