import Foundation
import Learning
import SQLKit
import Store

/// Applies payment events to the store and keeps entitlements in line with them.
///
/// Each event is recorded once (its id is unique) in the same transaction as its facts, so a
/// redelivery changes nothing. Facts converge whatever the delivery order: a purchase's `paid`
/// and a payment's `refunded`/`disputed` are only ever set, and a subscription keeps the state
/// of its newest event by the provider's own timestamp. Entitlements are then recomputed from
/// all facts about the (user, offer) pairs the event touched, never from the event alone.
struct PaymentLedger: Sendable {
    let store: Store
    let learners: LearnerStore
    /// Days a subscription whose renewal failed keeps access (`PAYMENT_GRACE_DAYS`).
    let graceDays: Int

    static let providers: Set<String> = ["stripe", "lemonsqueezy"]

    struct Outcome: Sendable {
        let duplicate: Bool
        /// Pairs that became entitled with this event (for receipts).
        let newlyGranted: [Pair]
    }

    struct Pair: Hashable, Sendable {
        let userID: String
        let offerID: String
    }

    func apply(_ event: PaymentEvent, now: Int = LearnerStore.now()) async throws -> Outcome {
        try await store.transaction { db in
            let inserted = try await db.raw("""
                INSERT INTO payment_events (provider, event_id, type, created, received_at)
                VALUES (\(bind: event.provider), \(bind: event.id), \(bind: event.type), \(bind: event.created), \(bind: now))
                ON CONFLICT (provider, event_id) DO NOTHING
                RETURNING event_id
                """).first()
            guard inserted != nil else { return Outcome(duplicate: true, newlyGranted: []) }
            var touched = Set<Pair>()
            for fact in event.facts {
                touched.formUnion(try await record(fact, provider: event.provider, now: now, on: db))
            }
            var granted: [Pair] = []
            for pair in touched.sorted(by: { ($0.userID, $0.offerID) < ($1.userID, $1.offerID) }) {
                if try await recompute(pair, provider: event.provider, cause: "\(event.provider) \(event.id) (\(event.type))", now: now, on: db) {
                    granted.append(pair)
                }
            }
            return Outcome(duplicate: false, newlyGranted: granted)
        }
    }

    /// Stores one fact; returns the (user, offer) pairs whose entitlement may have changed.
    func record(_ fact: PaymentFact, provider: String, now: Int, on db: any SQLDatabase) async throws -> Set<Pair> {
        switch fact {
        case .purchase(let reference, let userID, let offerID, let paymentID, let customerID, let paid):
            try await db.raw("""
                INSERT INTO purchases (provider, reference, user_id, offer_id, payment_id, customer_id, paid, updated_at)
                VALUES (\(bind: provider), \(bind: reference), \(bind: userID), \(bind: offerID), \(bind: paymentID), \(bind: customerID),
                        \(bind: paid ? 1 : 0), \(bind: now))
                ON CONFLICT (provider, reference) DO UPDATE SET
                    user_id = COALESCE(purchases.user_id, excluded.user_id),
                    offer_id = COALESCE(purchases.offer_id, excluded.offer_id),
                    payment_id = COALESCE(purchases.payment_id, excluded.payment_id),
                    customer_id = COALESCE(purchases.customer_id, excluded.customer_id),
                    paid = CASE WHEN purchases.paid = 1 OR excluded.paid = 1 THEN 1 ELSE 0 END,
                    updated_at = excluded.updated_at
                """).run()
            try await remember(customer: customerID, user: userID, provider: provider, on: db)
            return try await pairs(try await db.raw("""
                SELECT user_id, offer_id FROM purchases WHERE provider = \(bind: provider) AND reference = \(bind: reference)
                """).all())
        case .subscription(let id, let userID, let offerID, let customerID, let status, let at):
            try await db.raw("""
                INSERT INTO subscriptions (provider, subscription_id, user_id, offer_id, customer_id, status, status_at)
                VALUES (\(bind: provider), \(bind: id), \(bind: userID), \(bind: offerID), \(bind: customerID), \(bind: status.rawValue), \(bind: at))
                ON CONFLICT (provider, subscription_id) DO UPDATE SET
                    user_id = COALESCE(subscriptions.user_id, excluded.user_id),
                    offer_id = COALESCE(subscriptions.offer_id, excluded.offer_id),
                    customer_id = COALESCE(subscriptions.customer_id, excluded.customer_id)
                """).run()
            try await observe(subscription: id, status: status, at: at, provider: provider, on: db)
            try await remember(customer: customerID, user: userID, provider: provider, on: db)
            return try await subscriptionPairs(id, provider: provider, on: db)
        case .renewal(let subscriptionID, let paymentID, let paid, let at):
            try await db.raw("""
                INSERT INTO subscriptions (provider, subscription_id, status, status_at) VALUES (\(bind: provider), \(bind: subscriptionID), 'incomplete', 0)
                ON CONFLICT (provider, subscription_id) DO NOTHING
                """).run()
            if let paymentID {
                try await db.raw("""
                    INSERT INTO subscription_payments (provider, payment_id, subscription_id) VALUES (\(bind: provider), \(bind: paymentID), \(bind: subscriptionID))
                    ON CONFLICT (provider, payment_id) DO NOTHING
                    """).run()
            }
            try await observe(subscription: subscriptionID, status: paid ? .active : .pastDue, at: at, provider: provider, on: db)
            if !paid {
                try await db.raw("""
                    UPDATE subscriptions SET failed_at = \(bind: at)
                    WHERE provider = \(bind: provider) AND subscription_id = \(bind: subscriptionID) AND (failed_at IS NULL OR failed_at < \(bind: at))
                    """).run()
            }
            return try await subscriptionPairs(subscriptionID, provider: provider, on: db)
        case .refund(let paymentID), .dispute(let paymentID):
            let column = if case .refund = fact { "refunded" } else { "disputed" }
            try await db.raw("""
                INSERT INTO payment_facts (provider, payment_id, \(unsafeRaw: column)) VALUES (\(bind: provider), \(bind: paymentID), 1)
                ON CONFLICT (provider, payment_id) DO UPDATE SET \(unsafeRaw: column) = 1
                """).run()
            var pairs = try pairs(try await db.raw("""
                SELECT user_id, offer_id FROM purchases WHERE provider = \(bind: provider) AND payment_id = \(bind: paymentID)
                """).all())
            for row in try await db.raw("SELECT subscription_id FROM subscription_payments WHERE provider = \(bind: provider) AND payment_id = \(bind: paymentID)").all() {
                pairs.formUnion(try await subscriptionPairs(try row.decode(column: "subscription_id", as: String.self), provider: provider, on: db))
            }
            return pairs
        }
    }

    /// A subscription takes the newest observed state (ties: the later in its life).
    func observe(subscription id: String, status: SubscriptionStatus, at: Int, provider: String, on db: any SQLDatabase) async throws {
        guard let row = try await db.raw("SELECT status, status_at FROM subscriptions WHERE provider = \(bind: provider) AND subscription_id = \(bind: id)").first() else { return }
        let current = SubscriptionStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .incomplete
        let currentAt = try row.decode(column: "status_at", as: Int.self)
        guard at > currentAt || (at == currentAt && status.rank > current.rank) else { return }
        try await db.raw("""
            UPDATE subscriptions SET status = \(bind: status.rawValue), status_at = \(bind: at)
            WHERE provider = \(bind: provider) AND subscription_id = \(bind: id)
            """).run()
    }

    func remember(customer: String?, user: String?, provider: String, on db: any SQLDatabase) async throws {
        guard let customer, let user else { return }
        try await db.raw("""
            INSERT INTO billing_customers (provider, customer_id, user_id) VALUES (\(bind: provider), \(bind: customer), \(bind: user))
            ON CONFLICT (provider, customer_id) DO NOTHING
            """).run()
    }

    func subscriptionPairs(_ id: String, provider: String, on db: any SQLDatabase) async throws -> Set<Pair> {
        try pairs(try await db.raw("""
            SELECT user_id, offer_id FROM subscriptions WHERE provider = \(bind: provider) AND subscription_id = \(bind: id)
            """).all())
    }

    /// The rows that name both a user and an offer (an event may arrive before the one that
    /// says whose it is).
    func pairs(_ rows: [any SQLRow]) throws -> Set<Pair> {
        var result = Set<Pair>()
        for row in rows {
            guard let user = try row.decode(column: "user_id", as: String?.self), let offer = try row.decode(column: "offer_id", as: String?.self) else { continue }
            result.insert(Pair(userID: user, offerID: offer))
        }
        return result
    }

    /// What the facts say about one (user, offer): entitled for good, until a date (grace), or
    /// not. Writes the entitlement when it changes; true when it was just granted.
    func recompute(_ pair: Pair, provider: String, cause: String, now: Int, on db: any SQLDatabase) async throws -> Bool {
        let user = pair.userID, offer = pair.offerID
        // The user may not exist here (an event for an account deleted since): nothing to grant.
        guard try await db.raw("SELECT id FROM users WHERE id = \(bind: user)").first() != nil else { return false }
        let purchases = try await db.raw("""
            SELECT COUNT(*) AS n FROM purchases p
            LEFT JOIN payment_facts f ON f.provider = p.provider AND f.payment_id = p.payment_id
            WHERE p.user_id = \(bind: user) AND p.offer_id = \(bind: offer) AND p.paid = 1
              AND COALESCE(f.refunded, 0) = 0 AND COALESCE(f.disputed, 0) = 0
            """).first()?.decode(column: "n", as: Int.self) ?? 0
        var forever = purchases > 0
        var until: Int?
        if !forever {
            let subscriptions = try await db.raw("""
                SELECT s.subscription_id, s.provider, s.status, s.status_at, s.failed_at FROM subscriptions s
                WHERE s.user_id = \(bind: user) AND s.offer_id = \(bind: offer)
                  AND NOT EXISTS (
                    SELECT 1 FROM subscription_payments sp JOIN payment_facts f ON f.provider = sp.provider AND f.payment_id = sp.payment_id
                    WHERE sp.provider = s.provider AND sp.subscription_id = s.subscription_id AND (f.refunded = 1 OR f.disputed = 1))
                """).all()
            for row in subscriptions {
                switch SubscriptionStatus(rawValue: try row.decode(column: "status", as: String.self)) {
                case .active?, .trialing?:
                    forever = true
                case .pastDue?:
                    let failed = try row.decode(column: "failed_at", as: Int?.self) ?? row.decode(column: "status_at", as: Int.self)
                    until = max(until ?? 0, failed + graceDays * 86_400)
                default:
                    continue
                }
            }
        }
        let current = try await db.raw("""
            SELECT revoked_at, expires_at, source FROM entitlements WHERE user_id = \(bind: user) AND offer_id = \(bind: offer)
            """).first()
        // An entitlement an admin gave (`lectern grant`) is not the provider's to take back.
        if let current, try current.decode(column: "revoked_at", as: Int?.self) == nil,
           !PaymentLedger.providers.contains(try current.decode(column: "source", as: String.self)) {
            return false
        }
        let wasEntitled = try current.map { row in
            try row.decode(column: "revoked_at", as: Int?.self) == nil && (try row.decode(column: "expires_at", as: Int?.self)).map { $0 > now } != false
        } ?? false
        if forever {
            try await learners.grant(userID: user, offerID: offer, source: provider, expiresAt: nil, cause: cause, at: now, on: db)
            return !wasEntitled
        }
        if let until, until > now {
            try await learners.grant(userID: user, offerID: offer, source: provider, expiresAt: until, cause: cause + ", grace period", at: now, on: db)
            return false
        }
        try await learners.revoke(userID: user, offerID: offer, cause: cause, at: now, on: db)
        return false
    }
}

