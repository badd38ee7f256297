import Foundation

/// A provider's webhook event reduced to what it establishes, whichever provider sent it.
struct PaymentEvent: Sendable {
    let provider: String
    let id: String
    let type: String
    /// When the provider created the event (Unix seconds): the order facts are applied in.
    let created: Int
    let facts: [PaymentFact]
}

enum SubscriptionStatus: String, Sendable {
    case trialing, active, pastDue = "past_due", unpaid, canceled, incomplete, incompleteExpired = "incomplete_expired", paused

    /// For two states observed at the same second: the later in a subscription's life wins.
    var rank: Int {
        switch self {
        case .incomplete: 0
        case .trialing: 1
        case .active: 2
        case .pastDue: 3
        case .paused: 4
        case .unpaid: 5
        case .incompleteExpired: 6
        case .canceled: 7
        }
    }

    /// Lemon Squeezy's names mapped onto Stripe's.
    init?(provider text: String) {
        switch text {
        case "on_trial": self = .trialing
        case "cancelled", "expired": self = .canceled
        default: self.init(rawValue: text)
        }
    }
}

enum PaymentFact: Sendable, Equatable {
    /// A one-time checkout: who, which offer, the payment that settles it, and whether it is paid.
    case purchase(reference: String, userID: String?, offerID: String?, paymentID: String?, customerID: String?, paid: Bool)
    /// A subscription's own state as of `at`.
    case subscription(id: String, userID: String?, offerID: String?, customerID: String?, status: SubscriptionStatus, at: Int)
    /// A renewal payment of a subscription: paid (the subscription is active as of `at`) or failed.
    case renewal(subscriptionID: String, paymentID: String?, paid: Bool, at: Int)
    case refund(paymentID: String)
    case dispute(paymentID: String)
}

/// Reads JSON objects from a provider without a Codable model per event type: webhooks carry
/// many fields we ignore and some we need in several places.
struct JSONObject: @unchecked Sendable {
    // @unchecked: a parsed JSON tree, never mutated after parsing.
    let value: [String: Any]

    init?(_ value: Any?) {
        guard let dictionary = value as? [String: Any] else { return nil }
        self.value = dictionary
    }

    init(parsing bytes: [UInt8]) throws {
        guard let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw CocoaError(.propertyListReadCorrupt)
        }
        value = object
    }

    subscript(object key: String) -> JSONObject? { JSONObject(value[key]) }

    func string(_ key: String) -> String? {
        switch value[key] {
        case let text as String: text.isEmpty ? nil : text
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }

    func int(_ key: String) -> Int? {
        switch value[key] {
        case let number as NSNumber: number.intValue
        case let text as String: Int(text)
        default: nil
        }
    }

    func bool(_ key: String) -> Bool? { (value[key] as? NSNumber)?.boolValue }

    /// An expandable field: the id string, or the expanded object's `id`.
    func reference(_ key: String) -> String? {
        string(key) ?? self[object: key]?.string("id")
    }

    /// A path like `subscription_details.metadata.offer`.
    func string(path: String) -> String? {
        let keys = path.split(separator: ".").map(String.init)
        var current: JSONObject? = self
        for key in keys.dropLast() { current = current?[object: key] }
        return current?.string(keys.last!)
    }
}
