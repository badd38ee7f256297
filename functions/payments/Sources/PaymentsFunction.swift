import Accounts
import AsyncHTTPClient
import FunctionKit
import Foundation
import HTTPTypes
import Hummingbird
import Learning
import Logging
import Mail
import SiteModel
import Store

/// Selling courses: Stripe Checkout and the billing portal, and the webhooks (Stripe and Lemon
/// Squeezy) that grant and revoke entitlements. `/api/payments/…`
public enum PaymentsFunction {
    public static let name = "payments"

    public static var migrations: [MigrationSet] { [AccountsSchema.migrations, LearningSchema.migrations, PaymentsSchema.migrations] }

    public static func buildApplication(config: FunctionConfig) async throws -> some ApplicationProtocol {
        // Provider events can be larger than the default body limit (an invoice with many lines).
        var config = config
        config.maxBodyBytes = max(config.maxBodyBytes, WebhookRoutes.bodyLimit)
        return try await FunctionApp.build(config: config, migrationSets: migrations, routes: addRoutes)
    }

    public static func addRoutes(to routes: FunctionRoutes, environment: FunctionEnvironment) throws {
        let settings = try PaymentSettings.from(environment.config)
        let mail = try MailConfiguration(environment: environment.config.environment)
        let services = PaymentServices(
            authenticator: try Authenticator.from(environment),
            manifest: ManifestFile(path: environment.config.privateDirectory + "/manifest.json"),
            ledger: PaymentLedger(store: environment.store, learners: LearnerStore(store: environment.store), graceDays: settings.graceDays),
            stripe: settings.stripeSecretKey.map { StripeClient(secretKey: $0, baseURL: settings.stripeAPIBase, http: HTTPClient.shared) },
            settings: settings, store: environment.store,
            mailer: mail.makeMailer(logger: environment.logger), mailFrom: mail.sender,
            siteURL: SessionSettings(siteURL: environment.config.siteURL).siteURL, logger: environment.logger,
            environment: environment)
        CheckoutRoutes(services: services).add(to: routes)
        WebhookRoutes(services: services).add(to: routes)
    }
}

/// The payment settings, all from the environment.
struct PaymentSettings: Sendable {
    var stripeSecretKey: String?
    /// Endpoint secrets (`whsec_…`), comma-separated during a rotation.
    var stripeWebhookSecrets: [String]
    var stripeAPIBase: String
    /// Which `stripe_price` of an offer to sell: `test` or `live` (from the key's prefix).
    var mode: String
    var lemonSqueezySecrets: [String]
    var graceDays: Int

    static func from(_ config: FunctionConfig) throws -> PaymentSettings {
        let environment = config.environment
        func list(_ name: String) -> [String] {
            (environment[name] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let key = environment["STRIPE_SECRET_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        if let key, !(key.hasPrefix("sk_") || key.hasPrefix("rk_")) {
            throw FunctionConfig.Invalid(variable: "STRIPE_SECRET_KEY", message: "must be a Stripe secret key (sk_test_…, sk_live_… or a restricted rk_… key)")
        }
        var grace = 3
        if let text = environment["PAYMENT_GRACE_DAYS"], !text.isEmpty {
            guard let days = Int(text), (0...60).contains(days) else {
                throw FunctionConfig.Invalid(variable: "PAYMENT_GRACE_DAYS", message: "must be a whole number of days from 0 to 60, got '\(text)'")
            }
            grace = days
        }
        let mode = environment["STRIPE_MODE"].flatMap { $0.isEmpty ? nil : $0 } ?? (key?.contains("_live_") == true ? "live" : "test")
        guard ["test", "live"].contains(mode) else {
            throw FunctionConfig.Invalid(variable: "STRIPE_MODE", message: "must be `test` or `live`, got '\(mode)'")
        }
        return PaymentSettings(stripeSecretKey: key, stripeWebhookSecrets: list("STRIPE_WEBHOOK_SECRET"),
                               stripeAPIBase: environment["STRIPE_API_BASE"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://api.stripe.com",
                               mode: mode, lemonSqueezySecrets: list("LEMONSQUEEZY_WEBHOOK_SECRET"), graceDays: grace)
    }
}

/// What the payment routes share.
struct PaymentServices: Sendable {
    let authenticator: Authenticator
    let manifest: ManifestFile
    let ledger: PaymentLedger
    let stripe: StripeClient?
    let settings: PaymentSettings
    let store: Store
    let mailer: any Mailer
    let mailFrom: String
    let siteURL: String
    let logger: Logger
    let environment: FunctionEnvironment

    static func json(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        JSONResponse.make(status, object)
    }
}
