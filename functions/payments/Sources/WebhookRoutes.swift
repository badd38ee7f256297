import FunctionKit
import Foundation
import HTTPTypes
import Hummingbird
import Learning
import Mail
import SQLKit

/// `POST /api/payments/webhooks/stripe` and `/lemonsqueezy`: the signature is checked on the
/// raw body before anything is parsed or stored; then the event is applied once, and the
/// answer goes back at once — receipts are sent after it.
struct WebhookRoutes: Sendable {
    let services: PaymentServices

    static let stripeSignature = HTTPField.Name("Stripe-Signature")!
    static let lemonSqueezySignature = HTTPField.Name("X-Signature")!
    static let bodyLimit = 1 << 20

    func add(to routes: FunctionRoutes) {
        routes.on(.post, "/api/payments/webhooks/stripe") { request, context in
            let body = Array(buffer: try await request.collectBody(limit: Self.bodyLimit))
            guard !services.settings.stripeWebhookSecrets.isEmpty else {
                throw APIError(.serviceUnavailable, code: "webhooks_not_configured", message: "Set STRIPE_WEBHOOK_SECRET to receive Stripe events.")
            }
            do {
                try StripeSignature.verify(header: request.headers[Self.stripeSignature], body: body, secrets: services.settings.stripeWebhookSecrets)
            } catch let failure as StripeSignature.Failure {
                context.logger.warning("webhook signature refused", metadata: ["reason": "\(failure)"])
                throw APIError.badRequest(failure.description, code: "invalid_signature", field: "Stripe-Signature")
            }
            return try await receive(body, parse: StripeEvents.parse, handled: { StripeEvents.handled.contains($0.type) }, context: context)
        }
        routes.on(.post, "/api/payments/webhooks/lemonsqueezy") { request, context in
            let body = Array(buffer: try await request.collectBody(limit: Self.bodyLimit))
            guard !services.settings.lemonSqueezySecrets.isEmpty else {
                throw APIError(.serviceUnavailable, code: "webhooks_not_configured", message: "Set LEMONSQUEEZY_WEBHOOK_SECRET to receive Lemon Squeezy events.")
            }
            do {
                try LemonSqueezySignature.verify(header: request.headers[Self.lemonSqueezySignature], body: body, secrets: services.settings.lemonSqueezySecrets)
            } catch let failure as LemonSqueezySignature.Failure {
                throw APIError.badRequest(failure.description, code: "invalid_signature", field: "X-Signature")
            }
            return try await receive(body, parse: LemonSqueezyEvents.parse, handled: { !$0.facts.isEmpty }, context: context)
        }
    }

    func receive(_ body: [UInt8], parse: ([UInt8]) throws -> PaymentEvent, handled: (PaymentEvent) -> Bool,
                 context: FunctionContext) async throws -> Response {
        let event: PaymentEvent
        do {
            event = try parse(body)
        } catch {
            throw APIError.badRequest("The event is not the JSON the provider sends: \(error)", code: "invalid_event")
        }
        guard handled(event) else {
            // Acknowledged, so the provider stops retrying an event type we do not use.
            return PaymentServices.json(.ok, ["received": true, "ignored": true])
        }
        let outcome = try await services.ledger.apply(event)
        context.logger.info("payment event", metadata: ["event": "\(event.id)", "type": "\(event.type)", "duplicate": "\(outcome.duplicate)"])
        if !outcome.newlyGranted.isEmpty {
            let services = self.services
            Task.detached { await Receipts(services: services).send(for: outcome.newlyGranted) }
        }
        return PaymentServices.json(.ok, ["received": true, "duplicate": outcome.duplicate])
    }
}

/// The "thank you, you now have …" email after a purchase or a new subscription.
struct Receipts: Sendable {
    let services: PaymentServices

    func send(for pairs: [PaymentLedger.Pair]) async {
        let offers = (try? services.manifest.manifest().offers) ?? []
        for pair in pairs {
            do {
                let email = try await services.store.withDatabase { db in
                    try await db.raw("SELECT email FROM users WHERE id = \(bind: pair.userID)").first()?.decode(column: "email", as: String?.self)
                }
                guard let email else { continue }
                let offer = offers.first { $0.id == pair.offerID }
                let name = offer?.name ?? pair.offerID
                let price = offer.map { String(format: "%.2f %@", $0.price, $0.currency) + ($0.interval.map { " a \($0)" } ?? "") } ?? ""
                try await services.mailer.send(Email(from: services.mailFrom, to: email, subject: "Your receipt: \(name)", text: """
                    Thank you! \(name) is yours\(price.isEmpty ? "" : " (\(price))").

                    Start learning: \(services.siteURL)/account/learning/
                    Manage your billing: \(services.siteURL)/account/

                    Your payment provider sends the invoice itself.
                    """))
            } catch {
                services.logger.error("receipt not sent", metadata: ["user": "\(pair.userID)", "error": "\(error)"])
            }
        }
    }
}
