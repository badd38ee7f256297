@testable import Accounts
import Foundation
import FunctionKit
@testable import GenerateFunction
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Learning
import SiteModel
import Testing

/// AI generation against an OpenAI-compatible server started on loopback (issue 6): streaming,
/// usage, retries, broken streams, validation, cache, quotas, the scorecard's re-ask, history.
@Suite struct GenerateTests {
    static let template = PromptTemplate(
        id: "google-ads", title: "Google Ads", channel: "ads", description: "Search ads", url: "/templates/google-ads/",
        inputs: [
            .init(name: "product", label: "Product", kind: .text, required: true, maxLength: 80, choices: [], help: nil),
            .init(name: "audience", label: "Audience", kind: .textarea, required: false, maxLength: 200, choices: [], help: nil),
            .init(name: "tone", label: "Tone", kind: .choice, required: false, maxLength: nil, choices: ["plain", "bold"], help: nil),
        ],
        outputs: [.init(name: "headline", label: "Headline", maxChars: 30), .init(name: "description", label: "Description", maxChars: 90)],
        variants: 2, temperature: 0.7, maxTokens: 300, examples: [["headline": "Track time", "description": "Invoices from hours."]],
        prompt: "Write an ad for {{product}} aimed at {{audience}}.{{#brand}}\n{{brand}}{{/brand}}")

    static func manifest() -> Manifest {
        var manifest = PaymentsTests.manifest()
        manifest.templates = [template]
        manifest.offers[0].plan = "pro"
        return manifest
    }

    static let goodAnswer = #"{"headline":"Track every billable hour","description":"Tally turns tracked time into invoices in two clicks."}"#

    struct Setup {
        let harness: ProgressHarness
        let openAI: FakeOpenAI
    }

    static func withGenerate(_ backend: FunctionTestSupport.Backend = .sqlite, provider: Bool = true, extra: [String: String] = [:],
                             _ body: @escaping @Sendable (Setup, any TestClientProtocol) async throws -> Void) async throws {
        let openAI = FakeOpenAI()
        try await openAI.run { base in
            try await FunctionTestSupport.withDatabase(backend) { database in
                let harness = try ProgressHarness(database: database)
                try harness.write(Self.manifest())
                var environment = ["LECTERN_PRIVATE_DIR": harness.privateDirectory, "SITE_URL": "http://localhost:8080",
                                   "AUTH_SECRET": AuthHarness.secret, "OPENAI_MODEL": "test-model", "OPENAI_RETRY_BASE_SECONDS": "0.01",
                                   "GENERATION_PRICES": "test-model=1/2", "GENERATION_QUOTAS": "free=3/day,pro=100/month"]
                if provider { environment["OPENAI_BASE_URL"] = base + "/v1"; environment["OPENAI_API_KEY"] = "sk-test-key" }
                environment.merge(extra) { $1 }
                let config = try FunctionTestSupport.config(name: "generate", database: database, extra: environment)
                try await GenerateFunction.buildApplication(config: config).test(.router) { client in
                    try await body(Setup(harness: harness, openAI: openAI), client)
                }
            }
        }
    }

    static let request = #"{"template":"google-ads","inputs":{"product":"Tally <time> & invoices","audience":"design studios"}}"#

    @Test(arguments: FunctionTestSupport.backends)
    func streamsTextAndRecordsUsageCostAndHistory(_ backend: FunctionTestSupport.Backend) async throws {
        try await Self.withGenerate(backend) { setup, client in
            let (_, ada) = try await setup.harness.account("ada@example.com")
            await setup.openAI.answer(with: [.stream(Self.goodAnswer, usage: (120, 40)), .stream(Self.goodAnswer.replacingOccurrences(of: "every", with: "each"), usage: (120, 42))])
            var headers = ada.headers
            headers[.accept] = "text/event-stream"
            let response = try await client.json(.post, "/api/generate", Self.request, headers: headers)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream")
            let events = SSE.parse(String(buffer: response.body))
            #expect(events.first?.name == "start")
            #expect(events.filter { $0.name == "delta" }.count > 2, "text arrives in pieces")
            #expect(events.filter { $0.name == "variant" }.count == 2)
            let done = try #require(events.last { $0.name == "done" }?.object)
            let usage = try #require(done["usage"] as? [String: Any])
            #expect(usage["tokens_in"] as? Int == 240 && usage["tokens_out"] as? Int == 82)
            #expect(usage["cost_usd"] as? Double == Double(240 * 1 + 82 * 2) / 1_000_000)
            #expect((done["quota"] as? [String: Any])?["used"] as? Int == 1)
            // The prompt reached the model as typed: no HTML escaping.
            let sent = await setup.openAI.requests
            #expect(sent.count == 2)
            #expect(sent[0].user.contains("Tally <time> & invoices"))
            #expect(sent[0].stream && sent[0].includeUsage)
            #expect(sent[0].authorization == "Bearer sk-test-key")

            let history = try await client.json(.get, "/api/generate/history", headers: ada.cookieOnly)
            let entries = try #require(history.object["generations"] as? [[String: Any]])
            #expect(entries.count == 1)
            let variants = try #require(entries[0]["variants"] as? [[String: Any]])
            #expect((variants[0]["fields"] as? [String: String])?["headline"] == "Track every billable hour")
            #expect((variants[0]["scorecard"] as? [String: Any]) != nil)
        }
    }

    @Test func retriesA429ThenSucceedsButNeverRetriesAnExhaustedQuota() async throws {
        try await Self.withGenerate { setup, client in
            let (_, ada) = try await setup.harness.account("ada@example.com")
            await setup.openAI.answer(with: [.rateLimited(retryAfter: "0"), .stream(Self.goodAnswer, usage: (10, 5)), .stream(Self.goodAnswer, usage: (10, 5))])
            let ok = try await client.json(.post, "/api/generate", Self.request, headers: ada.headers)
            #expect(ok.status == .ok, "\(String(buffer: ok.body))")
            #expect(await setup.openAI.requests.count == 3)

            await setup.openAI.answer(with: [.quotaExhausted, .stream(Self.goodAnswer, usage: (1, 1))])
            let exhausted = try await client.json(.post, "/api/generate", #"{"template":"google-ads","inputs":{"product":"Other"},"variants":1}"#, headers: ada.headers)
            #expect(exhausted.status == .serviceUnavailable && exhausted.errorCode == "provider_quota_exhausted")
            #expect(await setup.openAI.requests.count == 4, "no retry after insufficient_quota")
        }
    }

    @Test func aMalformedOrDroppedStreamIsAnErrorAndIsNotCached() async throws {
        try await Self.withGenerate { setup, client in
            let (_, ada) = try await setup.harness.account("ada@example.com")
            let one = #"{"template":"google-ads","inputs":{"product":"Tally"},"variants":1}"#
            await setup.openAI.answer(with: [.malformed])
            let malformed = try await client.json(.post, "/api/generate", one, headers: ada.headers)
            #expect(malformed.status == .badGateway && malformed.errorCode == "provider_error")

            await setup.openAI.answer(with: [.dropMidStream])
            var headers = ada.headers
            headers[.accept] = "text/event-stream"
            let dropped = try await client.json(.post, "/api/generate", one, headers: headers)
            let events = SSE.parse(String(buffer: dropped.body))
            #expect(events.contains { $0.name == "delta" }, "some text had arrived")
            #expect(events.last?.name == "error")
            #expect((events.last?.object["error"] as? [String: Any])?["code"] as? String == "provider_error")

            // Nothing from the failures was cached: the next request asks the model again.
            await setup.openAI.answer(with: [.stream(Self.goodAnswer, usage: (5, 5))])
            let fine = try await client.json(.post, "/api/generate", one, headers: ada.headers)
            #expect(fine.status == .ok)
            #expect(await setup.openAI.requests.count == 3)
        }
    }

    @Test(arguments: FunctionTestSupport.backends)
    func identicalRequestsComeFromTheCacheUnlessFreshIsAsked(_ backend: FunctionTestSupport.Backend) async throws {
        try await Self.withGenerate(backend) { setup, client in
            let (_, ada) = try await setup.harness.account("ada@example.com")
            await setup.openAI.answer(with: [.stream(Self.goodAnswer, usage: (100, 50)), .stream(Self.goodAnswer, usage: (100, 50))])
            _ = try await client.json(.post, "/api/generate", Self.request, headers: ada.headers)
            let again = try await client.json(.post, "/api/generate", Self.request, headers: ada.headers)
            #expect(await setup.openAI.requests.count == 2, "the second request was answered from the cache")
            let cache = try #require(again.object["cache"] as? [String: Any])
            #expect(cache["hits"] as? Int == 2)
            #expect(cache["saved_usd"] as? Double == Double(2 * (100 * 1 + 50 * 2)) / 1_000_000)
            await setup.openAI.answer(with: [.stream(Self.goodAnswer, usage: (1, 1)), .stream(Self.goodAnswer, usage: (1, 1))])
            _ = try await client.json(.post, "/api/generate", #"{"template":"google-ads","inputs":{"product":"Tally <time> & invoices","audience":"design studios"},"fresh":true}"#, headers: ada.headers)
            #expect(await setup.openAI.requests.count == 4)
        }
    }

    @Test func aVariantThatBreaksAHardRuleIsAskedAgainOnce() async throws {
        try await Self.withGenerate { setup, client in
            let (_, ada) = try await setup.harness.account("ada@example.com")
            let tooLong = #"{"headline":"The guaranteed best time tracker in the whole world","description":"Invoices."}"#
            await setup.openAI.answer(with: [.stream(tooLong, usage: (1, 1)), .stream(Self.goodAnswer, usage: (1, 1))])
            let response = try await client.json(.post, "/api/generate", #"{"template":"google-ads","inputs":{"product":"Tally"},"variants":1}"#, headers: ada.headers)
            let variant = try #require((response.object["variants"] as? [[String: Any]])?.first)
            #expect(variant["retried"] as? Bool == true && variant["passed"] as? Bool == true)
            let sent = await setup.openAI.requests
            #expect(sent.count == 2)
            #expect(sent[1].user.lowercased().contains("headline"), "the re-ask names the broken rule")

            // Still failing after the one re-ask: shown as failing, not asked a third time.
            await setup.openAI.answer(with: [.stream(tooLong, usage: (1, 1)), .stream(tooLong, usage: (1, 1))])
            let failing = try await client.json(.post, "/api/generate", #"{"template":"google-ads","inputs":{"product":"Tally 2"},"variants":1}"#, headers: ada.headers)
            let bad = try #require((failing.object["variants"] as? [[String: Any]])?.first)
            #expect(bad["passed"] as? Bool == false)
            #expect(await setup.openAI.requests.count == 4)
        }
    }

    @Test func inputsAreValidatedAgainstTheTemplate() async throws {
        try await Self.withGenerate { setup, client in
            let (_, ada) = try await setup.harness.account("ada@example.com")
            let cases: [(String, String)] = [
                (#"{"template":"google-ads","inputs":{}}"#, "inputs.product"),
                (#"{"template":"google-ads","inputs":{"product":"\#(String(repeating: "x", count: 81))"}}"#, "inputs.product"),
                (#"{"template":"google-ads","inputs":{"product":"Tally","tone":"shouty"}}"#, "inputs.tone"),
                (#"{"template":"google-ads","inputs":{"product":"Tally","colour":"red"}}"#, "inputs.colour"),
                (#"{"template":"nope","inputs":{"product":"Tally"}}"#, "template"),
                (#"{"template":"google-ads","inputs":{"product":"Tally"},"variants":11}"#, "variants"),
                (#"{"template":"google-ads","inputs":{"product":"Tally"},"brand":"nobody"}"#, "brand"),
                (#"{"template":"google-ads","inputs":{"product":42}}"#, "inputs.product"),
            ]
            for (body, field) in cases {
                let response = try await client.json(.post, "/api/generate", body, headers: ada.headers)
                #expect(response.status == .unprocessableContent, "\(body)")
                #expect(response.errorField == field, "\(body)")
            }
            #expect(try await client.json(.post, "/api/generate", Self.request).status == .unauthorized)
            #expect(await setup.openAI.requests.isEmpty)
        }
    }

    @Test(arguments: FunctionTestSupport.backends)
    func quotasFollowThePlan(_ backend: FunctionTestSupport.Backend) async throws {
        try await Self.withGenerate(backend, provider: false) { setup, client in
            let (_, free) = try await setup.harness.account("free@example.com")
            let one = #"{"template":"google-ads","inputs":{"product":"Tally"},"variants":1}"#
            for _ in 0..<3 { #expect(try await client.json(.post, "/api/generate", one, headers: free.headers).status == .ok) }
            let over = try await client.json(.post, "/api/generate", one, headers: free.headers)
            #expect(over.status.code == 402 && over.errorCode == "quota_exceeded")
            #expect(Int(over.headers[.retryAfter] ?? "") ?? 0 > 0)

            let (proID, pro) = try await setup.harness.account("pro@example.com")
            try await setup.harness.withLearners { try await $0.grant(userID: proID, offerID: "pro", source: "test") }
            let ok = try await client.json(.post, "/api/generate", one, headers: pro.headers)
            #expect((ok.object["quota"] as? [String: Any])?["plan"] as? String == "pro")
            #expect((ok.object["quota"] as? [String: Any])?["limit"] as? Int == 100)
        }
    }

    /// No provider configured: labelled template drafts from the user's inputs, within limits.
    /// Programs call the same API with an access token instead of a session.
    @Test func withoutAProviderTheAnswerIsALabelledDraft() async throws {
        try await Self.withGenerate(provider: false) { setup, client in
            let (userID, _) = try await setup.harness.account("ada@example.com")
            let token = try await AccessTokens(secrets: AuthSecrets(secret: try AuthSecrets.decode(AuthHarness.secret, variable: "AUTH_SECRET"))).issue(userID: userID)
            let response = try await client.json(.post, "/api/generate", Self.request, headers: [.authorization: "Bearer \(token)"])
            #expect(response.status == .ok)
            #expect(response.object["draft"] as? Bool == true && response.object["provider"] as? String == "offline")
            let variants = try #require(response.object["variants"] as? [[String: Any]])
            #expect(variants.count == 2)
            for variant in variants {
                let fields = try #require(variant["fields"] as? [String: String])
                #expect((fields["headline"]?.count ?? 99) <= 30 && (fields["description"]?.count ?? 99) <= 90)
            }
            #expect(await setup.openAI.requests.isEmpty)
        }
    }

    @Test func historyCanBeSearchedStarredDeletedAndExported() async throws {
        try await Self.withGenerate(provider: false) { setup, client in
            let (_, ada) = try await setup.harness.account("ada@example.com")
            _ = try await client.json(.post, "/api/generate", #"{"template":"google-ads","inputs":{"product":"=SUM(A1) Tally"},"variants":1}"#, headers: ada.headers)
            _ = try await client.json(.post, "/api/generate", #"{"template":"google-ads","inputs":{"product":"Harvest"},"variants":1}"#, headers: ada.headers)
            let found = try await client.json(.get, "/api/generate/history?q=harvest", headers: ada.cookieOnly)
            let entries = try #require(found.object["generations"] as? [[String: Any]])
            #expect(entries.count == 1)
            let id = try #require(entries[0]["id"] as? String)
            #expect(try await client.json(.post, "/api/generate/history/\(id)/star", #"{"starred":true}"#, headers: ada.headers).status == .ok)
            #expect((try await client.json(.get, "/api/generate/history?starred=1", headers: ada.cookieOnly).object["generations"] as? [Any])?.count == 1)
            let csv = String(buffer: try await client.json(.get, "/api/generate/history.csv", headers: ada.cookieOnly).body)
            #expect(csv.hasPrefix("created_at,template,variant,field,text"))
            #expect(!csv.contains(",=SUM"), "a formula is neutralised")
            #expect(try await client.json(.delete, "/api/generate/history/\(id)", headers: ada.headers).status == .noContent)
            #expect(try await client.json(.delete, "/api/generate/history/\(id)", headers: ada.headers).status == .notFound)
            let (_, bob) = try await setup.harness.account("bob@example.com")
            #expect((try await client.json(.get, "/api/generate/history", headers: bob.cookieOnly).object["generations"] as? [Any])?.isEmpty == true)
        }
    }
}

/// Copy.ai's Workflows API on loopback: a run goes PROCESSING → COMPLETE (or FAILED for the
/// workflow `WCFG-fails`), and the start variables it received are recorded.
actor FakeCopyAI {
    private(set) var started: [[String: String]] = []
    private(set) var polls = 0

    func start(_ variables: [String: String]) -> String {
        started.append(variables)
        return "WCR-\(started.count)"
    }

    func poll() -> Int {
        polls += 1
        return polls
    }

    nonisolated func run(_ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("/api/workflow/{workflow}/run") { request, context -> Response in
            guard request.headers[HTTPField.Name("x-copy-ai-api-key")!] == "copy-key" else { return Response(status: .unauthorized) }
            let object = try JSONSerialization.jsonObject(with: Data(buffer: try await request.body.collect(upTo: 1 << 16))) as? [String: Any]
            let id = await self.start(object?["startVariables"] as? [String: String] ?? [:])
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"status":"success","data":{"id":"\#(id)"}}"#)))
        }
        router.get("/api/workflow/{workflow}/run/{run}") { _, context -> Response in
            let count = await self.poll()
            let workflow = try context.parameters.require("workflow")
            let status = count % 2 == 1 ? "PROCESSING" : (workflow == "WCFG-fails" ? "FAILED" : "COMPLETE")
            let output = #"{"headline":"Track every hour","description":"Tally turns hours into invoices."}"#
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"status":"success","data":{"status":"\#(status)","output":\#(output),"credits":2}}"#)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }
}

extension GenerateTests {
    /// A template mapped to a Copy.ai workflow runs there: inputs as start variables, polled
    /// until COMPLETE, credits priced; a FAILED run is an error.
    @Test func copyAIWorkflowsRunTheirTemplates() async throws {
        let copyAI = FakeCopyAI()
        try await copyAI.run { base in
            try await Self.withGenerate(provider: false, extra: [
                "COPYAI_API_KEY": "copy-key", "COPYAI_BASE_URL": base, "COPYAI_WORKFLOWS": "google-ads=WCFG-ok",
                "COPYAI_POLL_SECONDS": "0.01", "COPYAI_CREDIT_PRICE": "0.05",
            ]) { setup, client in
                let (_, ada) = try await setup.harness.account("ada@example.com")
                let response = try await client.json(.post, "/api/generate", #"{"template":"google-ads","inputs":{"product":"Tally","audience":"studios"},"variants":1}"#, headers: ada.headers)
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(response.object["provider"] as? String == "copyai")
                #expect(response.object["draft"] as? Bool == false)
                let variant = try #require((response.object["variants"] as? [[String: Any]])?.first)
                #expect((variant["fields"] as? [String: String])?["headline"] == "Track every hour")
                #expect((response.object["usage"] as? [String: Any])?["cost_usd"] as? Double == 0.1)
                #expect(await copyAI.started.first == ["product": "Tally", "audience": "studios"])
                #expect(await copyAI.polls >= 2, "polled through PROCESSING")
            }
            try await Self.withGenerate(provider: false, extra: [
                "COPYAI_API_KEY": "copy-key", "COPYAI_BASE_URL": base, "COPYAI_WORKFLOWS": "google-ads=WCFG-fails", "COPYAI_POLL_SECONDS": "0.01",
            ]) { setup, client in
                let (_, ada) = try await setup.harness.account("ada@example.com")
                let failed = try await client.json(.post, "/api/generate", #"{"template":"google-ads","inputs":{"product":"Tally"},"variants":1}"#, headers: ada.headers)
                #expect(failed.status == .badGateway && failed.errorCode == "provider_error")
            }
        }
    }
}

extension GenerateTests {
    static func waitForBatch(_ client: any TestClientProtocol, _ id: String, _ browser: BrowserSession, until done: (([String: Any]) -> Bool)) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let job = try await client.json(.get, "/api/generate/batches/\(id)", headers: browser.cookieOnly).object
            if done(job) || ContinuousClock.now > deadline { return job }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test(arguments: FunctionTestSupport.backends)
    func aBatchGeneratesEveryRowAndStopsAtTheQuota(_ backend: FunctionTestSupport.Backend) async throws {
        try await Self.withGenerate(backend, provider: false, extra: ["BATCH_IDLE_SECONDS": "0.02"]) { setup, client in
            let (userID, ada) = try await setup.harness.account("batch@example.com")
            let bad = try await client.json(.post, "/api/generate/batches", #"{"template":"google-ads","csv":"product,tone\nTally,plain\nHarvest,shouty\n"}"#, headers: ada.headers)
            #expect(bad.status == .unprocessableContent && bad.errorField == "rows[2].tone")
            let unknown = try await client.json(.post, "/api/generate/batches", #"{"template":"google-ads","csv":"name\nTally\n"}"#, headers: ada.headers)
            #expect(unknown.errorField == "csv")

            // Four rows on the free plan's 3 a day: three are generated, then the job stops.
            let csv = #"product,audience\nTally,studios\n\"Harvest, the app\",agencies\nToggl,freelancers\nClockify,teams\n"#
            let created = try await client.json(.post, "/api/generate/batches", #"{"template":"google-ads","csv":"\#(csv)"}"#, headers: ada.headers)
            #expect(created.status == .accepted, "\(String(buffer: created.body))")
            let id = try #require(created.object["id"] as? String)
            let stopped = try await Self.waitForBatch(client, id, ada) { $0["status"] as? String == "stopped" }
            #expect(stopped["done"] as? Int == 3 && stopped["pending"] as? Int == 1)
            #expect((stopped["message"] as? String)?.contains("free plan") == true)

            try await setup.harness.withLearners { try await $0.grant(userID: userID, offerID: "pro", source: "test") }
            #expect(try await client.json(.post, "/api/generate/batches/\(id)/resume", headers: ada.headers).status == .ok)
            let finished = try await Self.waitForBatch(client, id, ada) { $0["status"] as? String == "done" }
            #expect(finished["done"] as? Int == 4)
            let results = String(buffer: try await client.json(.get, "/api/generate/batches/\(id)/results.csv", headers: ada.cookieOnly).body)
            #expect(results.contains("\"{\"\"audience\"\":\"\"agencies\"\",\"\"product\"\":\"\"Harvest, the app\"\"}\""), "quoted CSV cells survive")
            #expect(results.components(separatedBy: "\r\n").filter { $0.hasPrefix("4,done") }.count == 2, "both fields of the last row")
            let history = try await client.json(.get, "/api/generate/history", headers: ada.cookieOnly)
            #expect((history.object["generations"] as? [Any])?.count == 4)
        }
    }
}

/// Server-sent events as the page reads them.
enum SSE {
    struct Event {
        let name: String
        let object: [String: Any]
    }

    static func parse(_ text: String) -> [Event] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var name = "message", data = ""
            for line in block.split(separator: "\n") {
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data += line.dropFirst(6) }
            }
            guard !data.isEmpty, let object = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any] else { return nil }
            return Event(name: name, object: object)
        }
    }
}

/// An OpenAI-compatible Chat Completions server on loopback: answers from a queue of scripted
/// behaviours and records every request.
actor FakeOpenAI {
    enum Behaviour: Sendable {
        case stream(String, usage: (Int, Int))
        case rateLimited(retryAfter: String)
        case quotaExhausted
        case malformed
        case dropMidStream
    }

    struct Recorded: Sendable {
        let user: String
        let stream: Bool
        let includeUsage: Bool
        let authorization: String?
    }

    private(set) var requests: [Recorded] = []
    private var queue: [Behaviour] = []
    private(set) var delay: Duration = .zero

    func answer(with behaviours: [Behaviour]) { queue = behaviours }
    func slowDown(_ delay: Duration) { self.delay = delay }

    func next(_ recorded: Recorded) -> Behaviour {
        requests.append(recorded)
        return queue.isEmpty ? .stream(#"{"headline":"Fallback","description":"Fallback."}"#, usage: (1, 1)) : queue.removeFirst()
    }

    static func chunk(_ object: [String: Any]) -> ByteBuffer {
        ByteBuffer(string: "data: " + String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self) + "\n\n")
    }

    nonisolated func run(_ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("/v1/chat/completions") { request, _ -> Response in
            let data = Data(buffer: try await request.body.collect(upTo: 1 << 20))
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
            let messages = object["messages"] as? [[String: Any]] ?? []
            let delay = await self.delay
            if delay > .zero { try await Task.sleep(for: delay) }
            let behaviour = await self.next(Recorded(
                user: messages.last?["content"] as? String ?? "", stream: object["stream"] as? Bool ?? false,
                includeUsage: (object["stream_options"] as? [String: Any])?["include_usage"] as? Bool ?? false,
                authorization: request.headers[.authorization]))
            switch behaviour {
            case .rateLimited(let retryAfter):
                return Response(status: .tooManyRequests, headers: [.retryAfter: retryAfter, .contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}"#)))
            case .quotaExhausted:
                return Response(status: .tooManyRequests, headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}"#)))
            case .malformed:
                return Response(status: .ok, headers: [.contentType: "text/event-stream"],
                                body: .init(byteBuffer: ByteBuffer(string: "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: {not json\n\ndata: [DONE]\n\n")))
            case .dropMidStream:
                return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody { writer in
                    try await writer.write(Self.chunk(["choices": [["delta": ["content": "{\"headline\":\"Half"]]]]))
                    struct Dropped: Error {}
                    throw Dropped()
                })
            case .stream(let text, let usage):
                let pieces = stride(from: 0, to: text.count, by: 7).map { start in
                    String(text.dropFirst(start).prefix(7))
                }
                return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody { writer in
                    for piece in pieces {
                        try await writer.write(Self.chunk(["id": "c1", "object": "chat.completion.chunk", "choices": [["index": 0, "delta": ["content": piece]]]]))
                    }
                    try await writer.write(Self.chunk(["id": "c1", "choices": [], "usage": ["prompt_tokens": usage.0, "completion_tokens": usage.1, "total_tokens": usage.0 + usage.1]]))
                    try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
                    try await writer.finish(nil)
                })
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }
}
