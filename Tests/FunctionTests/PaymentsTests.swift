import Foundation
import FunctionKit
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Learning
@testable import PaymentsFunction
import SiteModel
import SQLKit
import Store
import Testing

/// Payments: Stripe's signature, every handled event, redeliveries, any delivery order, and
/// Checkout against a Stripe stand-in on loopback (issue 7).
@Suite struct PaymentsTests {
    static let secret = "whsec_test_secret"

    /// The progress fixture's site, with a one-time offer and a subscription sold through Stripe.
    static func manifest() -> Manifest {
        var manifest = ProgressHarness.manifest()
        manifest.offers[0].stripePrices = ["test": "price_pro_once"]
        var team = Manifest.OfferEntry(id: "team", name: "Team", price: 49, currency: "USD", interval: "month", courses: ["mini"])
        team.stripePrices = ["test": "price_team_month"]
        team.trialDays = 14
        manifest.offers.append(team)
        return manifest
    }

    struct Setup {
        let harness: ProgressHarness
        let config: FunctionConfig
        var outbox: String { config.environment["MAIL_OUTBOX"]! }

        /// The receipts in the outbox (sent after the webhook's answer, so polled for).
        func receipts(to address: String) async throws -> [String] {
            let deadline = ContinuousClock.now + .seconds(10)
            while true {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? []
                let mails = names.filter { $0.hasSuffix(".eml") }.compactMap { try? String(contentsOfFile: outbox + "/" + $0, encoding: .utf8) }
                    .map(AuthHarness.decodeQuotedPrintable).filter { $0.contains(address) && $0.contains("receipt") }
                if !mails.isEmpty || ContinuousClock.now > deadline { return mails }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    static func withPayments(_ backend: FunctionTestSupport.Backend, stripeBase: String? = nil,
                             _ body: @escaping @Sendable (Setup, any TestClientProtocol) async throws -> Void) async throws {
        try await FunctionTestSupport.withDatabase(backend) { database in
            let harness = try ProgressHarness(database: database)
            try harness.write(Self.manifest())
            var extra = ["LECTERN_PRIVATE_DIR": harness.privateDirectory, "SITE_URL": "http://localhost:8080",
                         "AUTH_SECRET": AuthHarness.secret, "STRIPE_WEBHOOK_SECRET": "whsec_old_secret," + Self.secret,
                         "STRIPE_SECRET_KEY": "sk_test_123", "LEMONSQUEEZY_WEBHOOK_SECRET": "ls_secret", "PAYMENT_GRACE_DAYS": "3",
                         "MAIL_OUTBOX": FunctionTestSupport.temporaryFolder() + "/outbox"]
            if let stripeBase { extra["STRIPE_API_BASE"] = stripeBase }
            let config = try FunctionTestSupport.config(name: "payments", database: database, extra: extra)
            try await PaymentsFunction.buildApplication(config: config).test(.router) { client in
                try await body(Setup(harness: harness, config: config), client)
            }
        }
    }

    // MARK: Events as Stripe sends them

    static func event(_ id: String, _ type: String, created: Int, _ object: [String: Any]) -> [UInt8] {
        let event: [String: Any] = ["id": id, "object": "event", "type": type, "created": created, "livemode": false,
                                    "data": ["object": object]]
        return Array(try! JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]))
    }

    static func checkout(_ id: String, user: String, offer: String, paymentStatus: String = "paid", status: String = "complete",
                         type: String = "checkout.session.completed", eventID: String? = nil, created: Int = 1_700_000_000) -> [UInt8] {
        event(eventID ?? "evt_\(id)_\(type)", type, created: created, [
            "id": id, "object": "checkout.session", "mode": "payment", "status": status, "payment_status": paymentStatus,
            "client_reference_id": user, "customer": "cus_\(user.prefix(8))", "payment_intent": "pi_\(id)", "metadata": ["offer": offer],
        ])
    }

    static func subscription(_ id: String, user: String, type: String, status: String, created: Int) -> [UInt8] {
        event("evt_\(id)_\(type)_\(created)", type, created: created, [
            "id": id, "object": "subscription", "status": status, "customer": "cus_\(user.prefix(8))",
            "metadata": ["offer": "team", "user_id": user],
        ])
    }

    static func invoice(_ subscription: String, type: String, created: Int, payment: String) -> [UInt8] {
        event("evt_\(subscription)_\(type)_\(created)", type, created: created, [
            "id": "in_\(created)", "object": "invoice", "subscription": subscription, "payment_intent": payment,
            "status": type == "invoice.paid" ? "paid" : "open",
        ])
    }

    static func refund(_ payment: String, created: Int) -> [UInt8] {
        event("evt_refund_\(payment)_\(created)", "charge.refunded", created: created,
              ["id": "ch_\(payment)", "object": "charge", "payment_intent": payment, "refunded": true, "amount_refunded": 4900])
    }

    func deliver(_ body: [UInt8], _ client: any TestClientProtocol, timestamp: Int = Int(Date().timeIntervalSince1970),
                 secret: String = PaymentsTests.secret) async throws -> TestResponse {
        try await client.execute(uri: "/api/payments/webhooks/stripe", method: .post,
                                 headers: [.contentType: "application/json", HTTPField.Name("Stripe-Signature")!: StripeSignature.header(body: body, secret: secret, timestamp: timestamp)],
                                 body: ByteBuffer(bytes: body))
    }

    func offers(_ harness: ProgressHarness, _ user: String) async throws -> Set<String> {
        try await harness.withLearners { try await $0.state(userID: user).offers }
    }

    // MARK: Signatures

    @Test func signaturesAreCheckedOnTheRawBody() throws {
        let body = Array(#"{"id":"evt_1"}"#.utf8)
        let now = 1_700_000_000
        let valid = StripeSignature.header(body: body, secret: Self.secret, timestamp: now)
        #expect(throws: Never.self) { try StripeSignature.verify(header: valid, body: body, secrets: [Self.secret], now: now) }
        var changed = body
        changed[3] ^= 1
        #expect(throws: StripeSignature.Failure.mismatch) { try StripeSignature.verify(header: valid, body: changed, secrets: [Self.secret], now: now) }
        let v0Only = valid.replacingOccurrences(of: "v1=", with: "v0=")
        #expect(throws: StripeSignature.Failure.malformed) { try StripeSignature.verify(header: v0Only, body: body, secrets: [Self.secret], now: now) }
        #expect(throws: StripeSignature.Failure.stale) { try StripeSignature.verify(header: valid, body: body, secrets: [Self.secret], now: now + 301) }
        #expect(throws: Never.self) { try StripeSignature.verify(header: valid, body: body, secrets: [Self.secret], now: now + 300) }
        // Two v1 values, one right (a secret rotation): accepted, whichever comes first.
        let wrong = StripeSignature.header(body: body, secret: "whsec_other", timestamp: now).split(separator: ",")[1]
        let right = valid.split(separator: ",")[1]
        #expect(throws: Never.self) { try StripeSignature.verify(header: "t=\(now),\(wrong),\(right)", body: body, secrets: [Self.secret], now: now) }
        #expect(throws: Never.self) { try StripeSignature.verify(header: "t=\(now),\(right),\(wrong)", body: body, secrets: [Self.secret], now: now) }
        #expect(throws: StripeSignature.Failure.missing) { try StripeSignature.verify(header: nil, body: body, secrets: [Self.secret], now: now) }
    }

    @Test(arguments: FunctionTestSupport.backends)
    func aBadSignatureStoresNothing(_ backend: FunctionTestSupport.Backend) async throws {
        try await Self.withPayments(backend) { setup, client in
            let (user, _) = try await setup.harness.account("buyer@example.com")
            let body = Self.checkout("cs_1", user: user, offer: "pro")
            let forged = try await deliver(body, client, secret: "whsec_attacker")
            #expect(forged.status == .badRequest && forged.errorCode == "invalid_signature")
            let old = try await deliver(body, client, timestamp: Int(Date().timeIntervalSince1970) - 301)
            #expect(old.status == .badRequest)
            #expect(try await offers(setup.harness, user).isEmpty)
            let stored = try await setup.harness.withLearners { learners in
                try await learners.store.withDatabase { db in try await db.raw("SELECT COUNT(*) AS n FROM payment_events").first()?.decode(column: "n", as: Int.self) }
            }
            #expect(stored == 0)
            // The rotated-out secret still verifies while it is listed.
            #expect(try await deliver(body, client, secret: "whsec_old_secret").status == .ok)
        }
    }

    // MARK: Events

    @Test(arguments: FunctionTestSupport.backends)
    func oneTimePurchasesGrantAndRefundsAndDisputesRevoke(_ backend: FunctionTestSupport.Backend) async throws {
        try await Self.withPayments(backend) { setup, client in
            let (user, _) = try await setup.harness.account("buyer@example.com")
            // An unpaid (delayed payment method) session grants nothing until it settles.
            #expect(try await deliver(Self.checkout("cs_a", user: user, offer: "pro", paymentStatus: "unpaid"), client).status == .ok)
            #expect(try await offers(setup.harness, user).isEmpty)
            _ = try await deliver(Self.checkout("cs_a", user: user, offer: "pro", type: "checkout.session.async_payment_succeeded"), client)
            #expect(try await offers(setup.harness, user) == ["pro"])
            // Redelivered: accepted, nothing changes.
            let again = try await deliver(Self.checkout("cs_a", user: user, offer: "pro", type: "checkout.session.async_payment_succeeded"), client)
            #expect(again.status == .ok && again.object["duplicate"] as? Bool == true)
            _ = try await deliver(Self.refund("pi_cs_a", created: 1_700_000_500), client)
            #expect(try await offers(setup.harness, user).isEmpty)

            let (other, _) = try await setup.harness.account("second@example.com")
            _ = try await deliver(Self.checkout("cs_b", user: other, offer: "pro"), client)
            #expect(try await offers(setup.harness, other) == ["pro"])
            // A receipt goes out after the answer.
            let receipt = try #require(try await setup.receipts(to: "second@example.com").first)
            #expect(receipt.contains("AI Marketing Pro") && receipt.contains("http://localhost:8080/account/learning/"))
            let dispute = Self.event("evt_dispute", "charge.dispute.created", created: 1_700_000_600,
                                     ["id": "dp_1", "object": "dispute", "charge": "ch_1", "payment_intent": "pi_cs_b"])
            _ = try await deliver(dispute, client)
            #expect(try await offers(setup.harness, other).isEmpty)

            let (third, _) = try await setup.harness.account("third@example.com")
            _ = try await deliver(Self.checkout("cs_c", user: third, offer: "pro", paymentStatus: "unpaid"), client)
            _ = try await deliver(Self.checkout("cs_c", user: third, offer: "pro", type: "checkout.session.async_payment_failed"), client)
            #expect(try await offers(setup.harness, third).isEmpty)
            // Unknown event types are acknowledged and ignored.
            let ignored = try await deliver(Self.event("evt_x", "customer.created", created: 1, ["id": "cus_1"]), client)
            #expect(ignored.status == .ok && ignored.object["ignored"] as? Bool == true)

            let history = try await setup.harness.withLearners { try await $0.entitlementHistory(userID: user) }
            #expect(history.map(\.change) == ["revoked", "granted"])
            #expect(history.first?.cause.contains("evt_refund_pi_cs_a") == true)
        }
    }

    /// An admin's grant is not the provider's to take back: a refund of a purchase leaves it.
    @Test func aManualGrantSurvivesPaymentEvents() async throws {
        try await Self.withPayments(.sqlite) { setup, client in
            let (user, _) = try await setup.harness.account("gift@example.com")
            try await setup.harness.withLearners { try await $0.grant(userID: user, offerID: "pro", source: "lectern grant") }
            _ = try await deliver(Self.checkout("cs_gift", user: user, offer: "pro"), client)
            _ = try await deliver(Self.refund("pi_cs_gift", created: 1_700_000_900), client)
            #expect(try await offers(setup.harness, user) == ["pro"])
        }
    }

    /// The life of a subscription in every order: the same entitlement at the end.
    @Test(arguments: FunctionTestSupport.backends)
    func subscriptionEventsConvergeWhateverTheOrder(_ backend: FunctionTestSupport.Backend) async throws {
        try await Self.withPayments(backend) { setup, client in
            let t = Int(Date().timeIntervalSince1970) - 3600
            func life(_ id: String, _ user: String, ending: Bool) -> [[UInt8]] {
                var events = [
                    Self.subscription(id, user: user, type: "customer.subscription.created", status: "incomplete", created: t),
                    Self.invoice(id, type: "invoice.paid", created: t + 10, payment: "pi_\(id)_1"),
                    Self.subscription(id, user: user, type: "customer.subscription.updated", status: "active", created: t + 20),
                    Self.invoice(id, type: "invoice.payment_failed", created: t + 30, payment: "pi_\(id)_2"),
                    Self.invoice(id, type: "invoice.paid", created: t + 40, payment: "pi_\(id)_2"),
                ]
                if ending {
                    events += [Self.subscription(id, user: user, type: "customer.subscription.deleted", status: "canceled", created: t + 50),
                               Self.refund("pi_\(id)_2", created: t + 60)]
                }
                return events
            }
            var generator = SeededGenerator(seed: 42)
            for ending in [true, false] {
                var orders: [[Int]] = [Array(0..<(ending ? 7 : 5)), Array((0..<(ending ? 7 : 5)).reversed())]
                for _ in 0..<10 { orders.append(orders[0].shuffled(using: &generator)) }
                for (index, order) in orders.enumerated() {
                    let (user, _) = try await setup.harness.account("sub\(ending)\(index)@example.com")
                    let events = life("sub_\(ending)_\(index)", user, ending: ending)
                    for position in order {
                        #expect(try await deliver(events[position], client).status == .ok)
                    }
                    let expected: Set<String> = ending ? [] : ["team"]
                    #expect(try await offers(setup.harness, user) == expected, "order \(order)")
                }
            }
        }
    }

    @Test func aFailedRenewalKeepsAccessForTheGracePeriod() async throws {
        try await Self.withPayments(.sqlite) { setup, client in
            let (user, _) = try await setup.harness.account("late@example.com")
            let now = Int(Date().timeIntervalSince1970)
            _ = try await deliver(Self.subscription("sub_g", user: user, type: "customer.subscription.created", status: "active", created: now - 100), client)
            #expect(try await offers(setup.harness, user) == ["team"])
            _ = try await deliver(Self.invoice("sub_g", type: "invoice.payment_failed", created: now - 50, payment: "pi_g"), client)
            #expect(try await offers(setup.harness, user) == ["team"], "within the grace period")
            let expires = try await setup.harness.withLearners { learners in
                try await learners.store.withDatabase { db in
                    try await db.raw("SELECT expires_at FROM entitlements WHERE user_id = \(bind: user)").first()?.decode(column: "expires_at", as: Int?.self)
                }
            }
            #expect(expires == now - 50 + 3 * 86_400)
            // A failure long past: the grace period is over.
            let (older, _) = try await setup.harness.account("older@example.com")
            _ = try await deliver(Self.subscription("sub_o", user: older, type: "customer.subscription.created", status: "active", created: now - 9 * 86_400), client)
            _ = try await deliver(Self.invoice("sub_o", type: "invoice.payment_failed", created: now - 4 * 86_400, payment: "pi_o"), client)
            #expect(try await offers(setup.harness, older).isEmpty)
        }
    }

    /// The same event delivered 50 times at once has one effect.
    @Test(arguments: FunctionTestSupport.backends)
    func concurrentDuplicatesHaveOneEffect(_ backend: FunctionTestSupport.Backend) async throws {
        try await Self.withPayments(backend) { setup, client in
            let (user, _) = try await setup.harness.account("rush@example.com")
            let body = Self.checkout("cs_rush", user: user, offer: "pro")
            let statuses = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        let response = try await deliver(body, client)
                        return (Int(response.status.code), response.object["duplicate"] as? Bool ?? true)
                    }
                }
                return try await group.reduce(into: [(Int, Bool)]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0.0 == 200 })
            #expect(statuses.filter { !$0.1 }.count == 1, "exactly one delivery took effect")
            let history = try await setup.harness.withLearners { try await $0.entitlementHistory(userID: user) }
            #expect(history.count == 1)
        }
    }

    @Test func lemonSqueezyOrdersGrantTheSameEntitlements() async throws {
        try await Self.withPayments(.sqlite) { setup, client in
            let (user, _) = try await setup.harness.account("lemon@example.com")
            func send(_ name: String, status: String, updated: String) async throws -> TestResponse {
                let body = Array(try JSONSerialization.data(withJSONObject: [
                    "meta": ["event_name": name, "custom_data": ["user_id": user, "offer": "pro"]],
                    "data": ["id": "1001", "type": "orders", "attributes": ["status": status, "customer_id": 77, "updated_at": updated]],
                ]))
                return try await client.execute(uri: "/api/payments/webhooks/lemonsqueezy", method: .post,
                                                headers: [HTTPField.Name("X-Signature")!: LemonSqueezySignature.header(body: body, secret: "ls_secret")],
                                                body: ByteBuffer(bytes: body))
            }
            #expect(try await send("order_created", status: "paid", updated: "2026-11-25T10:00:00.000000Z").status == .ok)
            #expect(try await offers(setup.harness, user) == ["pro"])
            #expect(try await send("order_refunded", status: "refunded", updated: "2026-11-25T11:00:00.000000Z").status == .ok)
            #expect(try await offers(setup.harness, user).isEmpty)
            let forged = try await client.execute(uri: "/api/payments/webhooks/lemonsqueezy", method: .post,
                                                  headers: [HTTPField.Name("X-Signature")!: "00"], body: ByteBuffer(string: "{}"))
            #expect(forged.status == .badRequest)
        }
    }

    /// Every shipped fixture replays through the real webhook (what `lectern payments replay`
    /// does), and the purchase flow works offline.
    @Test func theShippedFixturesReplay() async throws {
        try await Self.withPayments(.sqlite) { setup, client in
            let (user, _) = try await setup.harness.account("offline@example.com")
            let folder = FunctionTestSupport.repositoryRoot + "/functions/payments/fixtures/stripe"
            let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }.sorted()
            #expect(Set(files.map { String($0.dropLast(5)) }) == StripeEvents.handled, "a fixture for every handled event type")
            func replay(_ name: String) async throws -> TestResponse {
                let prepared = try EventReplay.prepare(fixture: try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name + ".json")),
                                                       userID: user, offerID: "pro", secret: Self.secret)
                return try await client.execute(uri: "/api/payments/webhooks/stripe", method: .post,
                                                headers: [HTTPField.Name("Stripe-Signature")!: prepared.signatureHeader], body: ByteBuffer(bytes: prepared.body))
            }
            #expect(try await replay("checkout.session.completed").status == .ok)
            #expect(try await offers(setup.harness, user) == ["pro"])
            #expect(try await replay("charge.refunded").status == .ok)
            #expect(try await offers(setup.harness, user).isEmpty)
            for file in files { #expect(try await replay(String(file.dropLast(5))).status == .ok, "\(file)") }
            // Every event type, redelivered with its id: acknowledged, and a duplicate.
            for file in files {
                let prepared = try EventReplay.prepare(fixture: try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file)),
                                                       userID: user, offerID: "pro", secret: Self.secret, keepID: true)
                for round in 0..<2 {
                    let response = try await client.execute(uri: "/api/payments/webhooks/stripe", method: .post,
                                                            headers: [HTTPField.Name("Stripe-Signature")!: prepared.signatureHeader], body: ByteBuffer(bytes: prepared.body))
                    #expect(response.status == .ok)
                    #expect(response.object["duplicate"] as? Bool == (round == 1), "\(file) delivery \(round + 1)")
                }
            }
        }
    }

    // MARK: Checkout

    @Test(arguments: FunctionTestSupport.backends)
    func checkoutCreatesTheSessionStripeExpects(_ backend: FunctionTestSupport.Backend) async throws {
        let stripe = FakeStripe()
        try await stripe.run { base in
            try await Self.withPayments(backend, stripeBase: base) { setup, client in
                let (user, buyer) = try await setup.harness.account("checkout@example.com")
                #expect(try await client.json(.post, "/api/payments/checkout", #"{"offer":"team"}"#).status == .unauthorized)
                let response = try await client.json(.post, "/api/payments/checkout", #"{"offer":"team"}"#, headers: buyer.headers)
                #expect(response.status == .ok)
                #expect(response.object["url"] as? String == "https://checkout.stripe.test/c/pay/cs_fake_1")
                let request = try #require(await stripe.requests.first)
                #expect(request.authorization == "Bearer sk_test_123")
                #expect(request.idempotencyKey?.hasPrefix("checkout-") == true)
                let form = request.form
                #expect(form["mode"] == "subscription")
                #expect(form["line_items[0][price]"] == "price_team_month")
                #expect(form["client_reference_id"] == user)
                #expect(form["allow_promotion_codes"] == "true")
                #expect(form["subscription_data[trial_period_days]"] == "14")
                #expect(form["subscription_data[metadata][user_id]"] == user)
                #expect(form["success_url"] == "http://localhost:8080/account/learning/?checkout=success&session_id={CHECKOUT_SESSION_ID}")
                #expect(form["customer_email"] == "checkout@example.com")

                // A double click: the same idempotency key, so Stripe returns the same session.
                _ = try await client.json(.post, "/api/payments/checkout", #"{"offer":"team"}"#, headers: buyer.headers)
                let keys = await stripe.requests.map(\.idempotencyKey)
                #expect(keys.count == 2 && keys[0] == keys[1])

                let once = try await client.json(.post, "/api/payments/checkout", #"{"offer":"pro"}"#, headers: buyer.headers)
                #expect(once.status == .ok)
                #expect(await stripe.requests.last?.form["mode"] == "payment")
                #expect(try await client.json(.post, "/api/payments/checkout", #"{"offer":"nope"}"#, headers: buyer.headers).errorField == "offer")
                #expect(try await client.json(.post, "/api/payments/checkout", #"{"offer":"team"}"#, headers: buyer.cookieOnly).status == .forbidden,
                        "CSRF token required")
            }
        }
    }
}

/// A deterministic generator, so a failing order can be reproduced.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Stands in for api.stripe.com on loopback: records each Checkout request (headers and form)
/// and answers like Stripe, the same session for a repeated idempotency key.
actor FakeStripe {
    struct Recorded: Sendable {
        let authorization: String?
        let idempotencyKey: String?
        let form: [String: String]
    }

    private(set) var requests: [Recorded] = []
    private var sessions: [String: String] = [:]

    func record(_ recorded: Recorded) -> String {
        requests.append(recorded)
        if let key = recorded.idempotencyKey, let id = sessions[key] { return id }
        let id = "cs_fake_\(sessions.count + 1)"
        if let key = recorded.idempotencyKey { sessions[key] = id }
        return id
    }

    nonisolated func run(_ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("/v1/checkout/sessions") { request, _ -> Response in
            let text = String(buffer: try await request.body.collect(upTo: 1 << 20))
            var form: [String: String] = [:]
            for pair in text.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                form[parts[0]] = parts.count > 1 ? parts[1] : ""
            }
            let id = await self.record(Recorded(authorization: request.headers[.authorization],
                                                idempotencyKey: request.headers[HTTPField.Name("Idempotency-Key")!], form: form))
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"id":"\#(id)","object":"checkout.session","url":"https://checkout.stripe.test/c/pay/\#(id)"}"#)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }
}
