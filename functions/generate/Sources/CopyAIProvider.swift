import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Copy.ai's Workflows API: a template maps to a workflow built in Copy.ai
/// (`COPYAI_WORKFLOWS=google-ads=WCFG-…,cold-email=WCFG-…`); the template's inputs go in as
/// the workflow's start variables by name, a run is started, then polled until `COMPLETE` or
/// `FAILED`. The workflow's outputs are taken by the template's output names. Billing is in
/// credits per run, not tokens.
struct CopyAIProvider: CopyProvider {
    let id = "copyai"
    var model: String { "workflow" }
    let baseURL: String
    let apiKey: String
    let workflows: [String: String]
    let http: HTTPClient
    let pollInterval: Duration
    let timeout: Duration
    let logger: Logger
    var isModel: Bool { true }

    func handles(template: String) -> Bool { workflows[template] != nil }

    func complete(_ request: CompletionRequest) -> AsyncThrowingStream<CompletionEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await run(request, continuation)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    func run(_ request: CompletionRequest, _ continuation: AsyncThrowingStream<CompletionEvent, any Error>.Continuation) async throws {
        guard let workflow = workflows[request.templateID] else {
            throw ProviderError.http(status: 404, message: "no Copy.ai workflow is mapped to the template '\(request.templateID)'")
        }
        let started = try await call(.POST, "/api/workflow/\(workflow)/run", body: [
            "startVariables": request.namedInputs, "metadata": ["source": "lectern", "template": request.templateID],
        ])
        guard let runID = (started["data"] as? [String: Any])?["id"] as? String else {
            throw ProviderError.malformedStream("the run has no id")
        }
        let deadline = ContinuousClock.now + timeout
        while true {
            let polled = try await call(.GET, "/api/workflow/\(workflow)/run/\(runID)", body: nil)
            let data = polled["data"] as? [String: Any] ?? [:]
            switch data["status"] as? String {
            case "COMPLETE":
                let output = data["output"] as? [String: Any] ?? [:]
                let fields = output.compactMapValues { $0 as? String ?? ($0 as? NSNumber)?.stringValue }
                let text = String(decoding: try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]), as: UTF8.self)
                continuation.yield(.text(text))
                if let credits = (data["credits"] as? NSNumber)?.doubleValue ?? (data["creditsUsed"] as? NSNumber)?.doubleValue {
                    continuation.yield(.credits(credits))
                }
                return
            case "FAILED":
                throw ProviderError.http(status: 200, message: "the Copy.ai run failed")
            default:
                guard ContinuousClock.now < deadline else { throw ProviderError.timeout }
                try await Task.sleep(for: pollInterval)
            }
        }
    }

    func call(_ method: HTTPMethod, _ path: String, body: [String: Any]?) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: baseURL.trimmingSuffix("/") + path)
        request.method = method
        request.headers.add(name: "x-copy-ai-api-key", value: apiKey)
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .seconds(30))
        } catch {
            throw ProviderError.interrupted("\(error)")
        }
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
        guard response.status.code == 200 else {
            // Copy.ai reports an exhausted credit balance as a 400 with this code.
            if text.contains("WORKFLOW_CREDIT_LIMIT_REACHED") { throw ProviderError.quotaExhausted("Copy.ai workflow credits are used up") }
            throw ProviderError.http(status: Int(response.status.code), message: object["message"] as? String ?? "Copy.ai refused the request")
        }
        return object
    }
}
