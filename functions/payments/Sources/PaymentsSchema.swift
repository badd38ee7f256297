import SQLKit
import Store

/// What the payments function remembers: every provider event once (its id is the idempotency
/// key, stored in the same transaction as its effect), and the facts events established —
/// purchases, subscriptions, refunds and disputes — from which entitlements are recomputed.
/// Facts only ever move one way (paid, refunded, disputed are set, never unset; a subscription
/// keeps the state of its newest event), so any delivery order converges to the same result.
enum PaymentsSchema {
    static let migrations = MigrationSet(owner: "payments", [
        Migration(1, "create payment events, purchases, subscriptions, charge facts") { db in
            try await db.raw("""
                CREATE TABLE payment_events (
                    provider TEXT NOT NULL,
                    event_id TEXT NOT NULL,
                    type TEXT NOT NULL,
                    created BIGINT NOT NULL,
                    received_at BIGINT NOT NULL,
                    PRIMARY KEY (provider, event_id)
                )
                """).run()
            try await db.raw("""
                CREATE TABLE purchases (
                    provider TEXT NOT NULL,
                    reference TEXT NOT NULL,
                    user_id TEXT,
                    offer_id TEXT,
                    payment_id TEXT,
                    customer_id TEXT,
                    paid INTEGER NOT NULL DEFAULT 0,
                    updated_at BIGINT NOT NULL,
                    PRIMARY KEY (provider, reference)
                )
                """).run()
            try await db.raw("CREATE INDEX purchases_payment ON purchases (provider, payment_id)").run()
            try await db.raw("""
                CREATE TABLE subscriptions (
                    provider TEXT NOT NULL,
                    subscription_id TEXT NOT NULL,
                    user_id TEXT,
                    offer_id TEXT,
                    customer_id TEXT,
                    status TEXT NOT NULL,
                    status_at BIGINT NOT NULL,
                    failed_at BIGINT,
                    PRIMARY KEY (provider, subscription_id)
                )
                """).run()
            // Payments (charges) of a subscription, so a refund of one can be traced back.
            try await db.raw("""
                CREATE TABLE subscription_payments (
                    provider TEXT NOT NULL,
                    payment_id TEXT NOT NULL,
                    subscription_id TEXT NOT NULL,
                    PRIMARY KEY (provider, payment_id)
                )
                """).run()
            try await db.raw("""
                CREATE TABLE payment_facts (
                    provider TEXT NOT NULL,
                    payment_id TEXT NOT NULL,
                    refunded INTEGER NOT NULL DEFAULT 0,
                    disputed INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (provider, payment_id)
                )
                """).run()
            try await db.raw("""
                CREATE TABLE billing_customers (
                    provider TEXT NOT NULL,
                    customer_id TEXT NOT NULL,
                    user_id TEXT NOT NULL,
                    PRIMARY KEY (provider, customer_id)
                )
                """).run()
        },
    ])
}
