import Crypto
import Foundation

/// Stripe's webhook events, mapped to payment facts. The offer and the user travel in the
/// metadata the checkout sets (`metadata`, `subscription_data.metadata`), so every event can be
/// attributed on its own, whatever arrived before it.
enum StripeEvents {
    static let handled: Set<String> = [
        "checkout.session.completed", "checkout.session.async_payment_succeeded", "checkout.session.async_payment_failed",
        "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
        "invoice.paid", "invoice.payment_failed", "charge.refunded", "charge.dispute.created",
    ]

    static func parse(_ body: [UInt8]) throws -> PaymentEvent {
        let event = try JSONObject(parsing: body)
        guard let id = event.string("id"), let type = event.string("type"), let created = event.int("created"),
              let object = event[object: "data"]?[object: "object"] else {
            throw EventError("The event needs `id`, `type`, `created` and `data.object`.")
        }
        return PaymentEvent(provider: "stripe", id: id, type: type, created: created, facts: facts(type: type, object: object, created: created))
    }

    static func facts(type: String, object: JSONObject, created: Int) -> [PaymentFact] {
        let metadata = object[object: "metadata"]
        switch type {
        case "checkout.session.completed", "checkout.session.async_payment_succeeded", "checkout.session.async_payment_failed":
            guard let reference = object.string("id") else { return [] }
            let user = object.string("client_reference_id") ?? metadata?.string("user_id")
            let offer = metadata?.string("offer")
            let customer = object.reference("customer")
            if object.string("mode") == "subscription" {
                // The subscription's own events carry its state; this one says whose it is.
                guard let subscription = object.reference("subscription") else { return [] }
                return [.subscription(id: subscription, userID: user, offerID: offer, customerID: customer, status: .incomplete, at: 0)]
            }
            // Never for an unpaid or incomplete session: async methods (bank debits) settle
            // later, with `async_payment_succeeded`.
            let complete = object.string("status") == "complete"
            let paymentStatus = object.string("payment_status")
            let paid = type != "checkout.session.async_payment_failed" && complete
                && (paymentStatus == "paid" || paymentStatus == "no_payment_required")
            return [.purchase(reference: reference, userID: user, offerID: offer, paymentID: object.reference("payment_intent"),
                              customerID: customer, paid: paid)]
        case "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted":
            guard let id = object.string("id") else { return [] }
            let status = type == "customer.subscription.deleted" ? .canceled : (object.string("status").flatMap(SubscriptionStatus.init(rawValue:)) ?? .incomplete)
            return [.subscription(id: id, userID: metadata?.string("user_id"), offerID: metadata?.string("offer"),
                                  customerID: object.reference("customer"), status: status, at: created)]
        case "invoice.paid", "invoice.payment_failed":
            let subscription = object.reference("subscription") ?? object.string(path: "parent.subscription_details.subscription")
            guard let subscription else { return [] }
            let payment = object.reference("payment_intent") ?? object.reference("charge")
            return [.renewal(subscriptionID: subscription, paymentID: payment, paid: type == "invoice.paid", at: created)]
        case "charge.refunded":
            // A partial refund leaves the purchase standing; a full one ends it.
            guard object.bool("refunded") == true, let payment = object.reference("payment_intent") ?? object.string("id") else { return [] }
            return [.refund(paymentID: payment)]
        case "charge.dispute.created":
            guard let payment = object.reference("payment_intent") ?? object.reference("charge") else { return [] }
            return [.dispute(paymentID: payment)]
        default:
            return []
        }
    }
}

/// Lemon Squeezy's webhooks (`meta.event_name`, `meta.custom_data` from the checkout, the
/// object in `data.attributes`), mapped to the same facts. Events have no id of their own: the
/// event name, the object's id and a digest of the body identify one delivery (a retry sends
/// the same body).
enum LemonSqueezyEvents {
    static func parse(_ body: [UInt8]) throws -> PaymentEvent {
        let event = try JSONObject(parsing: body)
        guard let meta = event[object: "meta"], let name = meta.string("event_name"), let data = event[object: "data"],
              let objectID = data.string("id"), let attributes = data[object: "attributes"] else {
            throw EventError("The event needs `meta.event_name`, `data.id` and `data.attributes`.")
        }
        let custom = meta[object: "custom_data"]
        let updated = attributes.string("updated_at").flatMap(parseDate) ?? attributes.string("created_at").flatMap(parseDate) ?? 0
        let user = custom?.string("user_id"), offer = custom?.string("offer")
        let customer = attributes.string("customer_id")
        var facts: [PaymentFact] = []
        switch name {
        case "order_created":
            facts = [.purchase(reference: "order-\(objectID)", userID: user, offerID: offer, paymentID: "order-\(objectID)",
                               customerID: customer, paid: attributes.string("status") == "paid")]
        case "order_refunded":
            facts = [.refund(paymentID: "order-\(objectID)")]
        case "subscription_created", "subscription_updated", "subscription_cancelled", "subscription_expired", "subscription_resumed":
            let status = attributes.string("status").flatMap(SubscriptionStatus.init(provider:)) ?? .incomplete
            facts = [.subscription(id: objectID, userID: user, offerID: offer, customerID: customer, status: status, at: updated)]
        case "subscription_payment_success", "subscription_payment_failed":
            guard let subscription = attributes.string("subscription_id") else { break }
            facts = [.renewal(subscriptionID: subscription, paymentID: "invoice-\(objectID)", paid: name == "subscription_payment_success", at: updated)]
        case "subscription_payment_refunded":
            facts = [.refund(paymentID: "invoice-\(objectID)")]
        default:
            break
        }
        let digest = SHA256.hash(data: Data(body)).prefix(8).map { String(format: "%02x", $0) }.joined()
        return PaymentEvent(provider: "lemonsqueezy", id: "\(name):\(objectID):\(digest)", type: name, created: updated, facts: facts)
    }

    static func parseDate(_ text: String) -> Int? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return Int(date.timeIntervalSince1970) }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text).map { Int($0.timeIntervalSince1970) }
    }
}

struct EventError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
