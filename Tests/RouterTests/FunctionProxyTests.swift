import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// `/api/<function>/…` forwarded over the function's Unix socket: headers cleaned, body capped,
/// deadline enforced, client-sent forwarding headers not believed.
@Suite(.timeLimit(.minutes(1)))
struct FunctionProxyTests {
    @Test func hopByHopAndForwardingHeadersAreRewritten() async throws {
        try await withRouter(functions: [.fake(name: "echo", behaviour: .echo)]) { router in
            let reply = try await router.get("/api/echo/inspect?x=1", headers: [
                ("Connection", "keep-alive, X-Secret"),
                ("X-Secret", "listed in Connection"),
                ("Keep-Alive", "timeout=99"),
                ("Proxy-Authorization", "Basic c2VjcmV0"),
                ("TE", "trailers"),
                ("X-Forwarded-For", "6.6.6.6"),
                ("X-Forwarded-Proto", "https"),
                ("X-Custom", "kept"),
            ])
            #expect(reply.status == 200, "\(reply)")
            let request = try #require(reply.json)
            #expect(request["path"] as? String == "/api/echo/inspect?x=1")
            let seen = try #require(request["headers"] as? [String: [String]])
            for dropped in ["x-secret", "keep-alive", "proxy-authorization", "te"] {
                #expect(seen[dropped] == nil, "\(dropped) reached the function: \(seen[dropped] ?? [])")
            }
            #expect(seen["connection"]?.contains { $0.lowercased().contains("x-secret") } != true)
            #expect(seen["x-forwarded-for"] == ["127.0.0.1"], "a client-sent X-Forwarded-For must be replaced")
            #expect(seen["x-forwarded-proto"] == ["http"])
            #expect(seen["x-custom"] == ["kept"])

            // And on the way back: the function's connection-level headers stop at the router.
            #expect(reply.header("X-Visible") == "yes")
            #expect(!reply.has("X-Internal"))
            #expect(!reply.has("Keep-Alive"))
            #expect(!reply.has("Proxy-Authenticate"))
            #expect(reply.header("Connection")?.lowercased().contains("x-internal") != true)
        }
    }

    /// The leads rate limiter keys on the client address; only the router's view of it counts,
    /// so changing `X-Forwarded-For` on every request must not buy more requests.
    @Test func spoofedForwardedForDoesNotEscapeTheRateLimit() async throws {
        try await withRouter(functions: [.leads(rateLimit: "3")]) { router in
            var replies: [Reply] = []
            for index in 1...5 {
                replies.append(try await router.signUp("limit\(index)@example.com",
                                                       headers: [("X-Forwarded-For", "10.0.0.\(index)")]))
            }
            #expect(replies.prefix(3).allSatisfy { $0.status == 201 }, "\(replies.map(\.status))")
            for limited in replies.suffix(2) {
                #expect(limited.status == 429, "\(limited)")
                #expect(limited.errorCode == "rate_limited")
                #expect(Int(limited.header("Retry-After") ?? "") ?? 0 >= 1)
            }
        }
    }

    @Test func bodiesOverTheCapAre413() async throws {
        try await withRouter(functions: [.leads()], configure: { $0.maxBodyBytes = 1000 }) { router in
            let padding = String(repeating: "x", count: 5000)
            let declared = try await router.postJSON("/api/leads", #"{"email":"big@example.com","consent":true,"name":"\#(padding)"}"#)
            #expect(declared.status == 413, "\(declared)")
            #expect(declared.errorCode == "body_too_large")

            // No Content-Length: the cap holds while reading.
            var streamed = HTTPClientRequest(url: "http://127.0.0.1:\(router.port)/api/leads")
            streamed.method = .POST
            streamed.headers.add(name: "Content-Type", value: "application/json")
            let chunks = (0..<5).map { _ in ByteBuffer(string: String(repeating: " ", count: 1000)) }
            streamed.body = .stream(chunks.asyncStream, length: .unknown)
            let chunked = try await router.execute(streamed)
            #expect(chunked.status == 413, "\(chunked)")
            #expect(chunked.errorCode == "body_too_large")

            let small = try await router.signUp("small@example.com")
            #expect(small.status == 201, "\(small)")
        }
    }

    @Test func aFunctionPastTheDeadlineIs504() async throws {
        try await withRouter(
            functions: [.fake(name: "slow", behaviour: .sleep, sleepSeconds: 8)],
            configure: { $0.deadline = .seconds(1) }
        ) { router in
            let reply = try await router.get("/api/slow/anything")
            #expect(reply.status == 504, "\(reply)")
            #expect(reply.isJSON)
            #expect(reply.errorCode == "function_timeout")
        }
    }
}

extension Array where Element: Sendable {
    /// The elements as an async sequence, for streamed request bodies.
    var asyncStream: AsyncStream<Element> {
        AsyncStream { continuation in
            for element in self { continuation.yield(element) }
            continuation.finish()
        }
    }
}
