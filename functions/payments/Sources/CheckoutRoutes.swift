import Accounts
import Crypto
import FunctionKit
import Foundation
import Hummingbird
import Learning
import SiteModel
import SQLKit

/// Buying: `POST /api/payments/checkout {offer}` answers the Stripe Checkout URL to send the
/// browser to; `POST /api/payments/portal` the customer portal; admins read the entitlement
/// history.
struct CheckoutRoutes: Sendable {
    let services: PaymentServices

    struct CheckoutBody: Decodable { let offer: String }

    func add(to routes: FunctionRoutes) {
        routes.on(.post, "/api/payments/checkout") { request, context in try await checkout(request, context) }
        routes.on(.post, "/api/payments/portal") { request, context in try await portal(request, context) }
        routes.on(.get, "/api/payments/admin/entitlements") { request, context in
            try services.environment.requireAdminAddress(context)
            let caller = try await services.authenticator.requireCaller(request, context: context)
            try caller.require(.admin)
            let user = request.uri.queryParameters["user"].map(String.init)
            let history = try await services.ledger.learners.entitlementHistory(userID: user).map { entry -> [String: Any] in
                ["user_id": entry.userID, "offer": entry.offerID, "change": entry.change, "cause": entry.cause, "at": entry.at]
            }
            return PaymentServices.json(.ok, ["history": history])
        }
    }

    func stripe() throws -> StripeClient {
        guard let stripe = services.stripe else {
            throw APIError(.serviceUnavailable, code: "payments_not_configured", message: "Payments are not set up on this site yet (STRIPE_SECRET_KEY).")
        }
        return stripe
    }

    func checkout(_ request: Request, _ context: FunctionContext) async throws -> Response {
        let caller = try await services.authenticator.requireSession(request, context: context)
        let body = try await request.decodeJSON(CheckoutBody.self, limit: 4096)
        let manifest: Manifest
        do {
            manifest = try services.manifest.manifest()
        } catch {
            throw APIError(.serviceUnavailable, code: "site_not_built", message: "The site's manifest is missing. Run `lectern build`.")
        }
        guard let offer = manifest.offers.first(where: { $0.id == body.offer }) else {
            throw APIError.invalid("offer", "There is no offer '\(body.offer)'. Pick one on the pricing page.")
        }
        guard offer.price > 0, let price = offer.stripePrices?[services.settings.mode] else {
            throw APIError(.conflict, code: "offer_not_for_sale", message: "\(offer.name) cannot be bought online yet.", field: "offer")
        }
        let stripe = try stripe()
        let customer = try await services.store.withDatabase { db in
            try await db.raw("SELECT customer_id FROM billing_customers WHERE provider = 'stripe' AND user_id = \(bind: caller.userID)").first()?
                .decode(column: "customer_id", as: String.self)
        }
        var form: [(String, String)] = [
            ("mode", offer.interval == nil ? "payment" : "subscription"),
            ("line_items[0][price]", price), ("line_items[0][quantity]", "1"),
            ("client_reference_id", caller.userID),
            ("allow_promotion_codes", "true"),
            ("success_url", services.siteURL + "/account/learning/?checkout=success&session_id={CHECKOUT_SESSION_ID}"),
            ("cancel_url", services.siteURL + "/pricing/?checkout=cancelled"),
            ("metadata[offer]", offer.id), ("metadata[user_id]", caller.userID),
        ]
        if let customer {
            form.append(("customer", customer))
        } else if let email = caller.email {
            form.append(("customer_email", email))
        }
        if offer.interval != nil {
            form += [("subscription_data[metadata][offer]", offer.id), ("subscription_data[metadata][user_id]", caller.userID)]
            if let days = offer.trialDays, days > 0 { form.append(("subscription_data[trial_period_days]", String(days))) }
        } else {
            form += [("payment_intent_data[metadata][offer]", offer.id), ("payment_intent_data[metadata][user_id]", caller.userID)]
        }
        // The same person, offer and parameters within a ten-minute window get the same session: a double click or
        // a retried request never opens two checkouts.
        let window = Int(Date().timeIntervalSince1970) / 600
        // Everything sent is in the key: Stripe refuses a reused key with other parameters.
        let sent = "\(window)|" + form.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let key = "checkout-" + SecureToken.digest(sent)
        do {
            let session = try await stripe.createCheckoutSession(form, idempotencyKey: key)
            return PaymentServices.json(.ok, ["url": session.url, "id": session.id])
        } catch {
            context.logger.error("checkout failed", metadata: ["error": "\(error)"])
            throw APIError(.badGateway, code: "payment_provider_error", message: "The payment provider did not answer as expected. Try again in a minute.")
        }
    }

    func portal(_ request: Request, _ context: FunctionContext) async throws -> Response {
        let caller = try await services.authenticator.requireSession(request, context: context)
        let stripe = try stripe()
        guard let customer = try await services.store.withDatabase({ db in
            try await db.raw("SELECT customer_id FROM billing_customers WHERE provider = 'stripe' AND user_id = \(bind: caller.userID)").first()?
                .decode(column: "customer_id", as: String.self)
        }) else {
            throw APIError.notFound("You have no billing account yet: buy an offer first.")
        }
        do {
            return PaymentServices.json(.ok, ["url": try await stripe.createPortalSession(customer: customer, returnURL: services.siteURL + "/account/")])
        } catch {
            context.logger.error("portal failed", metadata: ["error": "\(error)"])
            throw APIError(.badGateway, code: "payment_provider_error", message: "The payment provider did not answer as expected. Try again in a minute.")
        }
    }
}
