import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Chat Completions over HTTP with streaming (`data:` lines to `[DONE]`, usage in the last chunk
/// through `stream_options.include_usage`): OpenAI, and the servers that speak its API (Ollama,
/// llama.cpp's server, vLLM, LM Studio). Retries as the official SDKs do — 408, 409, 429 and 5xx,
/// honouring `retry-after`, exponential back-off with jitter — but never a 429 that says the
/// quota is exhausted, and never once text has been passed on (it would be sent twice).
struct OpenAICompatibleProvider: CopyProvider {
    let id = "openai"
    let baseURL: String
    let model: String
    let apiKey: String?
    let http: HTTPClient
    let timeout: TimeAmount
    let maxRetries: Int
    /// Seconds before the first retry; doubles each time (tests make it tiny).
    let baseDelay: Double
    let logger: Logger
    var isModel: Bool { true }

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

    func body(_ request: CompletionRequest) throws -> ByteBuffer {
        var object: [String: Any] = [
            "model": model, "stream": true, "stream_options": ["include_usage": true],
            "messages": [["role": "system", "content": request.system], ["role": "user", "content": request.user]],
        ]
        if let temperature = request.temperature { object["temperature"] = temperature }
        if let maxTokens = request.maxTokens { object["max_tokens"] = maxTokens }
        return ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
    }

    func run(_ request: CompletionRequest, _ continuation: AsyncThrowingStream<CompletionEvent, any Error>.Continuation) async throws {
        var attempt = 0
        while true {
            var outbound = HTTPClientRequest(url: baseURL.trimmingSuffix("/") + "/chat/completions")
            outbound.method = .POST
            outbound.headers.add(name: "Content-Type", value: "application/json")
            outbound.headers.add(name: "Accept", value: "text/event-stream")
            if let apiKey, !apiKey.isEmpty { outbound.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
            outbound.body = .bytes(try body(request))
            let response: HTTPClientResponse
            do {
                response = try await http.execute(outbound, timeout: timeout)
            } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
                if attempt < maxRetries { attempt += 1; try await pause(attempt, retryAfter: nil); continue }
                throw ProviderError.timeout
            } catch {
                if attempt < maxRetries { attempt += 1; try await pause(attempt, retryAfter: nil); continue }
                throw ProviderError.interrupted("\(error)")
            }
            let status = Int(response.status.code)
            guard status == 200 else {
                let text = String(buffer: (try? await response.body.collect(upTo: 64 * 1024)) ?? ByteBuffer())
                let message = Self.errorMessage(text)
                if status == 429, Self.isQuotaExhausted(text) { throw ProviderError.quotaExhausted(message) }
                if [408, 409, 429].contains(status) || status >= 500, attempt < maxRetries {
                    attempt += 1
                    try await pause(attempt, retryAfter: response.headers.first(name: "retry-after"))
                    continue
                }
                throw ProviderError.http(status: status, message: message)
            }
            try await readStream(response, continuation)
            return
        }
    }

    /// Parses server-sent events: `data: {chunk}` lines, blank lines between events, `[DONE]`.
    func readStream(_ response: HTTPClientResponse, _ continuation: AsyncThrowingStream<CompletionEvent, any Error>.Continuation) async throws {
        var pending = [UInt8]()
        var done = false
        do {
            for try await buffer in response.body {
                pending += Array(buffer: buffer)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    var line = String(decoding: pending[..<newline], as: UTF8.self)
                    pending.removeSubrange(...newline)
                    if line.hasSuffix("\r") { line.removeLast() }
                    guard line.hasPrefix("data:") else { continue }
                    let payload = line.dropFirst(5).trimmingCharacters(in: .whitespaces)
                    if payload == "[DONE]" { done = true; break }
                    try handle(chunk: payload, continuation)
                }
                if done { break }
            }
        } catch let error as ProviderError {
            throw error
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw ProviderError.timeout
        } catch {
            throw ProviderError.interrupted("\(error)")
        }
        guard done else { throw ProviderError.interrupted("the connection closed before [DONE]") }
    }

    func handle(chunk: String, _ continuation: AsyncThrowingStream<CompletionEvent, any Error>.Continuation) throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(chunk.utf8)) as? [String: Any] else {
            throw ProviderError.malformedStream("a chunk is not JSON")
        }
        if let error = object["error"] as? [String: Any] {
            throw ProviderError.http(status: 200, message: error["message"] as? String ?? "error in stream")
        }
        if let choices = object["choices"] as? [[String: Any]], let delta = choices.first?["delta"] as? [String: Any],
           let content = delta["content"] as? String, !content.isEmpty {
            continuation.yield(.text(content))
        }
        if let usage = object["usage"] as? [String: Any] {
            continuation.yield(.usage(input: usage["prompt_tokens"] as? Int ?? 0, output: usage["completion_tokens"] as? Int ?? 0))
        }
    }

    /// `retry-after` (seconds or an HTTP date) when the server gives one, else 2^n × base with jitter.
    func pause(_ attempt: Int, retryAfter: String?) async throws {
        var seconds = baseDelay * pow(2, Double(attempt - 1)) * Double.random(in: 0.75...1.25)
        if let retryAfter {
            if let value = Double(retryAfter) {
                seconds = value
            } else {
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
                if let date = formatter.date(from: retryAfter) { seconds = max(0, date.timeIntervalSinceNow) }
            }
        }
        logger.info("provider retry", metadata: ["attempt": "\(attempt)", "seconds": "\(seconds)"])
        try await Task.sleep(for: .milliseconds(Int(min(seconds, 60) * 1000)))
    }

    static func errorMessage(_ body: String) -> String {
        if let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
           let error = object["error"] as? [String: Any], let message = error["message"] as? String {
            return message
        }
        return String(body.prefix(200))
    }

    /// OpenAI's `insufficient_quota` (billing) differs from a rate limit: waiting does not help.
    static func isQuotaExhausted(_ body: String) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
              let error = object["error"] as? [String: Any] else { return false }
        return (error["code"] as? String) == "insufficient_quota" || (error["type"] as? String) == "insufficient_quota"
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
