import Accounts
import AsyncHTTPClient
import CopyQuality
import FunctionKit
import Foundation
import HTTPTypes
import Hummingbird
import Learning
import Logging
import SiteModel
import Store

/// AI copy generation from the site's prompt templates: `/api/generate…`
public enum GenerateFunction {
    public static let name = "generate"

    public static var migrations: [MigrationSet] { [AccountsSchema.migrations, LearningSchema.migrations, GenerationStore.migrations] }

    public static func buildApplication(config: FunctionConfig) async throws -> some ApplicationProtocol {
        try await FunctionApp.build(config: config, migrationSets: migrations, routes: addRoutes)
    }

    public static func addRoutes(to routes: FunctionRoutes, environment: FunctionEnvironment) throws {
        let settings = try GenerationSettings.from(environment.config)
        let services = GenerationServices(
            authenticator: try Authenticator.from(environment),
            manifest: ManifestFile(path: environment.config.privateDirectory + "/manifest.json"),
            generations: GenerationStore(store: environment.store, cacheLifetime: settings.cacheSeconds),
            learners: LearnerStore(store: environment.store),
            provider: settings.provider(http: HTTPClient.shared, logger: environment.logger),
            copyAI: settings.copyAIProvider(http: HTTPClient.shared, logger: environment.logger),
            fallback: settings.fallbackProvider(http: HTTPClient.shared, logger: environment.logger),
            settings: settings, logger: environment.logger)
        GenerateRoutes(services: services).add(to: routes)
        HistoryRoutes(services: services, environment: environment).add(to: routes)
        let batches = BatchJobs(services: services, lease: settings.batchLeaseSeconds)
        BatchRoutes(services: services, batches: batches).add(to: routes)
        // Every process of the function works through the queue; the lease keeps them apart.
        environment.background.add { await batches.runWorker(idle: .milliseconds(Int(settings.batchIdleSeconds * 1000))) }
    }
}

/// Generation settings, from the environment.
struct GenerationSettings: Sendable {
    var baseURL: String?
    var model: String
    var apiKey: String?
    var fallbackBaseURL: String?
    var fallbackModel: String?
    var fallbackAPIKey: String?
    var cacheSeconds: Int
    var timeoutSeconds: Int
    var maxRetries: Int
    var retryBaseDelay: Double
    /// Plan → (generations, per `day` or `month`).
    var quotas: [String: (limit: Int, period: String)]
    /// Model → dollars per million tokens (input, output).
    var prices: [String: (input: Double, output: Double)]
    var bannedWords: [String]?
    var copyAIKey: String?
    var copyAIBaseURL: String
    /// Template id → Copy.ai workflow id.
    var copyAIWorkflows: [String: String]
    var copyAIPollSeconds: Double
    /// Dollars per Copy.ai credit, for the cost ledger.
    var copyAICreditPrice: Double
    var batchLeaseSeconds: Int
    var batchIdleSeconds: Double

    static func from(_ config: FunctionConfig) throws -> GenerationSettings {
        let environment = config.environment
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        func number(_ name: String, _ fallback: Int, _ range: ClosedRange<Int>) throws -> Int {
            guard let text = value(name) else { return fallback }
            guard let number = Int(text), range.contains(number) else {
                throw FunctionConfig.Invalid(variable: name, message: "must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
            }
            return number
        }
        var quotas: [String: (Int, String)] = [:]
        for item in (value("GENERATION_QUOTAS") ?? "free=20/month,pro=500/month,team=2500/month").split(separator: ",") {
            let parts = item.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            let amount = parts.count == 2 ? parts[1].split(separator: "/").map(String.init) : []
            guard parts.count == 2, amount.count == 2, let limit = Int(amount[0]), ["day", "month"].contains(amount[1]) else {
                throw FunctionConfig.Invalid(variable: "GENERATION_QUOTAS", message: "write plan=count/day or plan=count/month, comma-separated (got '\(item)')")
            }
            quotas[parts[0]] = (limit, amount[1])
        }
        var prices: [String: (Double, Double)] = [:]
        for item in (value("GENERATION_PRICES") ?? "").split(separator: ",") {
            let parts = item.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            let pair = parts.count == 2 ? parts[1].split(separator: "/").compactMap { Double($0) } : []
            guard parts.count == 2, pair.count == 2 else {
                throw FunctionConfig.Invalid(variable: "GENERATION_PRICES", message: "write model=input/output dollars per million tokens, e.g. gpt-4o-mini=0.15/0.60 (got '\(item)')")
            }
            prices[parts[0]] = (pair[0], pair[1])
        }
        let delay = value("OPENAI_RETRY_BASE_SECONDS").flatMap(Double.init) ?? 0.5
        var workflows: [String: String] = [:]
        for item in (value("COPYAI_WORKFLOWS") ?? "").split(separator: ",") {
            let parts = item.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw FunctionConfig.Invalid(variable: "COPYAI_WORKFLOWS", message: "write template=workflow-id, comma-separated (got '\(item)')")
            }
            workflows[parts[0]] = parts[1]
        }
        return GenerationSettings(
            baseURL: value("OPENAI_BASE_URL") ?? (value("OPENAI_API_KEY") != nil ? "https://api.openai.com/v1" : nil),
            model: value("OPENAI_MODEL") ?? "gpt-4o-mini", apiKey: value("OPENAI_API_KEY"),
            fallbackBaseURL: value("FALLBACK_OPENAI_BASE_URL"), fallbackModel: value("FALLBACK_OPENAI_MODEL"), fallbackAPIKey: value("FALLBACK_OPENAI_API_KEY"),
            cacheSeconds: try number("GENERATION_CACHE_SECONDS", 7 * 86_400, 0...(365 * 86_400)),
            timeoutSeconds: try number("GENERATION_TIMEOUT_SECONDS", 60, 1...600),
            maxRetries: try number("GENERATION_MAX_RETRIES", 2, 0...10), retryBaseDelay: delay,
            quotas: quotas, prices: prices,
            bannedWords: value("GENERATION_BANNED_WORDS").map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } },
            copyAIKey: value("COPYAI_API_KEY"), copyAIBaseURL: value("COPYAI_BASE_URL") ?? "https://api.copy.ai",
            copyAIWorkflows: workflows, copyAIPollSeconds: value("COPYAI_POLL_SECONDS").flatMap(Double.init) ?? 1,
            copyAICreditPrice: value("COPYAI_CREDIT_PRICE").flatMap(Double.init) ?? 0,
            batchLeaseSeconds: try number("BATCH_LEASE_SECONDS", 120, 1...3600),
            batchIdleSeconds: value("BATCH_IDLE_SECONDS").flatMap(Double.init) ?? 0.5)
    }

    /// The OpenAI-compatible server when one is configured, else the offline drafts.
    func provider(http: HTTPClient, logger: Logger) -> any CopyProvider {
        guard let baseURL else { return OfflineProvider() }
        return OpenAICompatibleProvider(baseURL: baseURL, model: model, apiKey: apiKey, http: http, timeout: .seconds(Int64(timeoutSeconds)),
                                        maxRetries: maxRetries, baseDelay: retryBaseDelay, logger: logger)
    }

    /// Copy.ai, for the templates mapped to one of its workflows.
    func copyAIProvider(http: HTTPClient, logger: Logger) -> CopyAIProvider? {
        guard let copyAIKey, !copyAIWorkflows.isEmpty else { return nil }
        return CopyAIProvider(baseURL: copyAIBaseURL, apiKey: copyAIKey, workflows: copyAIWorkflows, http: http,
                              pollInterval: .milliseconds(Int(copyAIPollSeconds * 1000)), timeout: .seconds(timeoutSeconds), logger: logger)
    }

    func fallbackProvider(http: HTTPClient, logger: Logger) -> (any CopyProvider)? {
        guard let fallbackBaseURL else { return nil }
        return OpenAICompatibleProvider(baseURL: fallbackBaseURL, model: fallbackModel ?? model, apiKey: fallbackAPIKey, http: http,
                                        timeout: .seconds(Int64(timeoutSeconds)), maxRetries: maxRetries, baseDelay: retryBaseDelay, logger: logger)
    }

    /// Micro-dollars for a model's tokens (0 when the model has no price in the table).
    func costMicros(model: String, input: Int, output: Int) -> Int {
        guard let price = prices[model] else { return 0 }
        return Int((Double(input) * price.input + Double(output) * price.output).rounded())
    }
}

/// What the generate routes share.
struct GenerationServices: Sendable {
    let authenticator: Authenticator
    let manifest: ManifestFile
    let generations: GenerationStore
    let learners: LearnerStore
    let provider: any CopyProvider
    let copyAI: CopyAIProvider?
    let fallback: (any CopyProvider)?
    let settings: GenerationSettings
    let logger: Logger

    /// Copy.ai runs the templates mapped to its workflows; the configured model (or the offline
    /// drafts) the rest.
    func provider(for template: PromptTemplate) -> any CopyProvider {
        if let copyAI, copyAI.handles(template: template.id) { return copyAI }
        return provider
    }

    func site() throws -> Manifest {
        do {
            return try manifest.manifest()
        } catch {
            throw APIError(.serviceUnavailable, code: "site_not_built", message: "The site's manifest is missing. Run `lectern build`.")
        }
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        JSONResponse.make(status, object)
    }
}
