import Accounts
import CopyQuality
import FunctionKit
import Foundation
import HTTPTypes
import Hummingbird
import Learning
import SiteModel

/// `POST /api/generate {template, inputs, brand?, variants?, fresh?}`: validates the inputs,
/// renders the prompt, asks the provider for each variant (or the cache), scores every variant
/// and re-asks once one that breaks a hard rule, stores the result in the user's history. With
/// `Accept: text/event-stream` the text streams as it arrives (`start`, `delta`, `variant`,
/// `done` or `error` events); otherwise one JSON answer.
struct GenerateRoutes: Sendable {
    let services: GenerationServices

    struct Body: Decodable {
        let template: String
        let inputs: [String: String]
        let brand: String?
        let variants: Int?
        let fresh: Bool?
    }

    func add(to routes: FunctionRoutes) {
        routes.on(.post, "/api/generate") { request, context in try await generate(request, context) }
    }

    /// An event for the page: its name and a JSON object.
    typealias Emit = @Sendable (String, [String: Any]) async throws -> Void

    struct Job: Sendable {
        let caller: Caller
        let template: PromptTemplate
        let builder: PromptBuilder
        let inputs: [String: String]
        let count: Int
        let fresh: Bool
        let quota: Quota.Status
    }

    func generate(_ request: Request, _ context: FunctionContext) async throws -> Response {
        let caller = try await services.authenticator.requireCaller(request, context: context)
        let body = try await request.decodeJSON(Body.self, limit: 64 * 1024)
        let site = try services.site()
        guard let template = site.templates?.first(where: { $0.id == body.template }) else {
            throw APIError.invalid("template", "There is no template '\(body.template)'. The gallery at /templates/ lists them.")
        }
        var brand: BrandProfile?
        if let id = body.brand, !id.isEmpty {
            guard let found = site.brands?.first(where: { $0.id == id }) else {
                throw APIError.invalid("brand", "There is no brand profile '\(id)'.")
            }
            brand = found
        }
        if let variants = body.variants, !(1...10).contains(variants) {
            throw APIError.invalid("variants", "Ask for 1 to 10 variants.")
        }
        let builder = PromptBuilder(template: template, brand: brand)
        let inputs = try builder.validated(body.inputs)
        let quota = try await Quota(services: services).check(caller: caller, site: site)
        let job = Job(caller: caller, template: template, builder: builder, inputs: inputs,
                      count: body.variants ?? template.variants, fresh: body.fresh == true, quota: quota)

        if request.headers[.accept]?.contains("text/event-stream") == true {
            let services = self.services
            return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store", HTTPField.Name("X-Accel-Buffering")!: "no"],
                            body: ResponseBody { writer in
                                let stream = AsyncStream<ByteBuffer>.makeStream()
                                let work = Task {
                                    let emit: Emit = { name, object in
                                        stream.continuation.yield(Self.event(name, object))
                                    }
                                    do {
                                        _ = try await GenerateRoutes(services: services).run(job, emit: emit)
                                    } catch {
                                        stream.continuation.yield(Self.event("error", ["error": Self.errorObject(error)]))
                                    }
                                    stream.continuation.finish()
                                }
                                do {
                                    for await buffer in stream.stream { try await writer.write(buffer) }
                                } catch {
                                    // The page went away: stop asking the model (and paying for it).
                                    work.cancel()
                                    throw error
                                }
                                _ = await work.value
                                try await writer.finish(nil)
                            })
        }
        do {
            let answer = try await run(job, emit: { _, _ in })
            return GenerationServices.json(.ok, answer)
        } catch let error as ProviderError {
            throw Self.apiError(error)
        }
    }

    /// The whole generation; emits events as it goes and returns the final answer.
    /// Saves a finished generation: by default into the history; a batch row saves it in the
    /// same transaction that marks the row done.
    typealias Persist = @Sendable (GenerationStore.Record) async throws -> Void

    func run(_ job: Job, emit: Emit, persist: Persist? = nil) async throws -> [String: Any] {
        let id = UUID().uuidString.lowercased()
        let provider = services.provider(for: job.template)
        try await emit("start", ["generation_id": id, "variants": job.count, "provider": provider.id, "model": provider.model,
                                 "draft": !provider.isModel])
        let quality = VariantQuality(template: job.template, inputs: job.inputs,
                                     policy: services.settings.bannedWords.map { QualityPolicy(bannedTerms: $0, claimTerms: QualityPolicy.defaultClaimTerms, duplicateThreshold: 0.8) } ?? .standard)
        var variants: [[String: Any]] = []
        var accepted: [[String: String]] = []
        var tokensIn = 0, tokensOut = 0, cachedVariants = 0, savedMicros = 0, cost = 0
        var models = Set<String>(), providers = Set<String>()
        var usedModel = provider.model, usedProvider = provider.id
        for index in 0..<job.count {
            var request = try job.builder.request(job.inputs, variant: index, of: job.count)
            var attempt = 0
            while true {
                let outcome = try await answer(request, provider: provider, variant: index, useCache: !job.fresh && attempt == 0, emit: emit)
                tokensIn += outcome.tokensIn
                tokensOut += outcome.tokensOut
                cost += services.settings.costMicros(model: outcome.model, input: outcome.tokensIn, output: outcome.tokensOut)
                    + Int((outcome.credits * services.settings.copyAICreditPrice * 1_000_000).rounded())
                models.insert(outcome.model)
                providers.insert(outcome.provider)
                usedModel = models.count == 1 ? outcome.model : "mixed"
                usedProvider = providers.count == 1 ? outcome.provider : "mixed"
                if outcome.cached {
                    cachedVariants += 1
                    savedMicros += services.settings.costMicros(model: outcome.model, input: outcome.cachedTokensIn, output: outcome.cachedTokensOut)
                }
                let fields = job.builder.fields(from: outcome.text).map(VariantQuality.sanitised)
                let scorecard = fields.map { quality.scorecard($0, others: accepted) }
                let hardFailure = fields == nil || scorecard?.passed == false
                // A variant that breaks a hard rule is asked again once, naming the rule.
                if hardFailure && attempt == 0 && provider.isModel {
                    attempt += 1
                    let instruction = scorecard.flatMap(quality.retryInstruction)
                        ?? "Answer with one JSON object with exactly the fields \(job.template.outputs.map(\.name).joined(separator: ", "))."
                    request = try job.builder.request(job.inputs, variant: index, of: job.count, extra: instruction)
                    try await emit("retry", ["variant": index, "reason": instruction])
                    continue
                }
                // Only an answer that passed is cached: a failing one would be replayed (and paid
                // for again) on every identical request.
                if !hardFailure, !outcome.cached, let key = outcome.cacheKey {
                    try await services.generations.store(key, text: outcome.text, tokensIn: outcome.tokensIn, tokensOut: outcome.tokensOut)
                }
                var variant: [String: Any] = ["variant": index, "cached": outcome.cached, "retried": attempt > 0,
                                              "passed": !hardFailure]
                if let fields {
                    variant["fields"] = fields
                    accepted.append(fields)
                } else {
                    variant["fields"] = [String: String]()
                    variant["error"] = "The model did not answer in the expected format."
                }
                if let scorecard, let data = try? JSONEncoder().encode(scorecard), let object = try? JSONSerialization.jsonObject(with: data) {
                    variant["scorecard"] = object
                }
                variants.append(variant)
                try await emit("variant", variant)
                break
            }
        }
        let inputsJSON = String(decoding: try JSONSerialization.data(withJSONObject: job.inputs, options: [.sortedKeys]), as: UTF8.self)
        let variantsJSON = String(decoding: try JSONSerialization.data(withJSONObject: variants, options: [.sortedKeys]), as: UTF8.self)
        let search = ([job.template.title] + job.inputs.values.sorted() + accepted.flatMap { $0.values }).joined(separator: " ").lowercased()
        let record = GenerationStore.Record(
            id: id, userID: job.caller.userID, templateID: job.template.id, inputs: inputsJSON, variants: variantsJSON,
            provider: usedProvider, model: usedModel, tokensIn: tokensIn, tokensOut: tokensOut, costMicros: cost,
            cachedVariants: cachedVariants, savedMicros: savedMicros, searchText: search, createdAt: GenerationStore.now())
        if let persist { try await persist(record) } else { try await services.generations.save(record) }
        let done: [String: Any] = [
            "generation_id": id, "template": job.template.id, "provider": usedProvider, "model": usedModel, "draft": !provider.isModel,
            "usage": ["tokens_in": tokensIn, "tokens_out": tokensOut, "cost_usd": Double(cost) / 1_000_000],
            "cache": ["hits": cachedVariants, "saved_usd": Double(savedMicros) / 1_000_000],
            "quota": job.quota.json(adding: 1),
        ]
        try await emit("done", done)
        return done.merging(["variants": variants]) { $1 }
    }

    struct Answer: Sendable {
        let text: String
        let tokensIn: Int
        let tokensOut: Int
        let cached: Bool
        let cachedTokensIn: Int
        let cachedTokensOut: Int
        let provider: String
        let model: String
        /// Where a passing answer is cached (nil for answers not to cache).
        var cacheKey: String?
        var credits: Double = 0
    }

    /// One variant's text: from the cache, else streamed from the provider (the fallback
    /// provider takes over when the main one fails before sending any text).
    func answer(_ request: CompletionRequest, provider primary: any CopyProvider, variant: Int, useCache: Bool, emit: Emit) async throws -> Answer {
        let key = GenerationStore.cacheKey(provider: primary.id, model: primary.model, request: request, variant: variant)
        if useCache, primary.isModel, let cached = try await services.generations.cached(key) {
            try await emit("delta", ["variant": variant, "text": cached.text, "cached": true])
            return Answer(text: cached.text, tokensIn: 0, tokensOut: 0, cached: true, cachedTokensIn: cached.tokensIn,
                          cachedTokensOut: cached.tokensOut, provider: primary.id, model: primary.model)
        }
        var providers: [any CopyProvider] = [primary]
        if let fallback = services.fallback { providers.append(fallback) }
        var lastError: (any Error)?
        for provider in providers {
            var text = ""
            var usage = (0, 0)
            var credits = 0.0
            do {
                for try await event in provider.complete(request) {
                    switch event {
                    case .text(let piece):
                        text += piece
                        try await emit("delta", ["variant": variant, "text": piece])
                    case .usage(let input, let output):
                        usage = (input, output)
                    case .credits(let spent):
                        credits += spent
                    }
                }
            } catch let error as ProviderError {
                services.logger.warning("provider failed", metadata: ["provider": "\(provider.id)", "error": "\(error)"])
                // Text already went to the page: another provider's answer would be mixed into it.
                guard text.isEmpty else { throw error }
                lastError = error
                continue
            }
            let cacheable = provider.isModel && provider.id == primary.id && provider.model == primary.model
            return Answer(text: text, tokensIn: usage.0, tokensOut: usage.1, cached: false, cachedTokensIn: 0, cachedTokensOut: 0,
                          provider: provider.id, model: provider.model, cacheKey: cacheable ? key : nil, credits: credits)
        }
        throw lastError ?? ProviderError.interrupted("no provider answered")
    }

    static func event(_ name: String, _ object: [String: Any]) -> ByteBuffer {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return ByteBuffer(string: "event: \(name)\ndata: " + String(decoding: data, as: UTF8.self) + "\n\n")
    }

    static func apiError(_ error: ProviderError) -> APIError {
        switch error {
        case .quotaExhausted:
            APIError(.serviceUnavailable, code: "provider_quota_exhausted", message: "The AI provider's account is out of credit. Tell the site's owner.")
        case .timeout:
            APIError(.gatewayTimeout, code: "provider_timeout", message: "The AI provider took too long to answer. Try again.")
        default:
            // The provider's own words stay in the log: they may name accounts or settings.
            APIError(.badGateway, code: "provider_error", message: "The AI provider did not answer properly. Try again.")
        }
    }

    static func errorObject(_ error: any Error) -> [String: Any] {
        let api = (error as? APIError) ?? (error as? ProviderError).map(apiError) ?? APIError.internalError
        return ["code": api.code, "message": api.message]
    }
}

/// Generations per plan and period: the plan comes from the caller's entitlements (the offers'
/// `plan`), `free` without one. Over the limit: 402 on the free plan (upgrade), 429 otherwise,
/// with when it resets.
struct Quota: Sendable {
    let services: GenerationServices

    struct Status: Sendable {
        let plan: String
        let limit: Int?
        let used: Int
        let resetsAt: Int

        func json(adding extra: Int) -> [String: Any] {
            ["plan": plan, "limit": limit as Any, "used": used + extra, "resets_at": resetsAt]
        }
    }

    func check(caller: Caller, site: Manifest, now: Date = Date()) async throws -> Status {
        let state = try await services.learners.state(userID: caller.userID)
        let plans = site.offers.filter { state.offers.contains($0.id) }.map { $0.plan ?? $0.id }
        // The most generous plan the caller holds.
        // A plan missing from GENERATION_QUOTAS falls back to the free plan's quota, never to none.
        var candidates = plans.compactMap { plan in services.settings.quotas[plan].map { (plan, $0) } }
        if candidates.isEmpty, let free = services.settings.quotas["free"] { candidates = [("free", free)] }
        guard let (plan, quota) = candidates.max(by: { $0.1.limit < $1.1.limit }) else {
            return Status(plan: plans.first ?? "free", limit: nil, used: 0, resetsAt: 0)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = quota.period == "day" ? calendar.startOfDay(for: now)
            : calendar.date(from: calendar.dateComponents([.year, .month], from: now))!
        let reset = calendar.date(byAdding: quota.period == "day" ? .day : .month, value: 1, to: start)!
        let used = try await services.generations.count(userID: caller.userID, since: Int(start.timeIntervalSince1970))
        let status = Status(plan: plan, limit: quota.limit, used: used, resetsAt: Int(reset.timeIntervalSince1970))
        if used >= quota.limit {
            let wait = max(1, Int(reset.timeIntervalSince(now)))
            let formatter = ISO8601DateFormatter()
            let when = formatter.string(from: reset)
            if plan == "free" {
                throw APIError(HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required"), code: "quota_exceeded",
                               message: "You have used the \(quota.limit) generations of the free plan this \(quota.period). Upgrade for more, or wait until \(when).",
                               headers: [.retryAfter: String(wait)])
            }
            throw APIError(.tooManyRequests, code: "quota_exceeded",
                           message: "You have used the \(quota.limit) generations of your plan this \(quota.period). They reset at \(when).",
                           headers: [.retryAfter: String(wait)])
        }
        return status
    }
}
