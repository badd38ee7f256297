import Foundation
import Testing

/// The event-loop fast path (`FastPathHandler`): memoised pages and function requests answered
/// before Hummingbird, in request order, with the same headers the responder gives.
@Suite(.timeLimit(.minutes(1)))
struct FastPathTests {
    /// Pipelined requests that alternate between the fast path and Hummingbird's responder
    /// come back in the order they were sent.
    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withRouter(functions: [.fake(name: "echo", behaviour: .echo)]) { router in
            let lesson = DemoSite.freeLesson
            let first = try await router.get(lesson)  // served by the responder, which memoises it
            #expect(first.status == 200)
            func get(_ target: String, close: Bool = false) -> String {
                "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(router.port)\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n"
            }
            let replies = try await RawHTTP.pipeline(port: router.port, [
                get("/api/echo/one"),
                get(lesson),
                get("/no-such-page/"),
                get(lesson),
                get("/api/echo/two"),
                get("/api/no-such-function/x"),
                get("/api/echo/three", close: true),
            ])
            #expect(replies.map(\.status) == [200, 200, 404, 200, 200, 404, 200], "\(replies.map(\.status))")
            guard replies.count == 7 else { return }
            func echoedPath(_ reply: RawHTTP.Response) -> String? {
                (try? JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any])?["path"] as? String
            }
            #expect(echoedPath(replies[0]) == "/api/echo/one")
            #expect(echoedPath(replies[4]) == "/api/echo/two")
            #expect(echoedPath(replies[6]) == "/api/echo/three")
            #expect(replies[1].body == first.text)
            #expect(replies[3].body == first.text)
            #expect(replies[5].body.contains("no-such-function"))
        }
    }

    /// A function's connection is kept and reused: no new Unix-socket connection per request.
    @Test func functionConnectionsAreReused() async throws {
        try await withRouter(functions: [.fake(name: "echo", behaviour: .echo)]) { router in
            var numbers: [Int] = []
            for _ in 0..<3 {
                let reply = try await router.get("/api/echo/again")
                #expect(reply.status == 200, "\(reply)")
                numbers.append(try #require(reply.json?["connection"] as? Int))
            }
            #expect(Set(numbers).count == 1, "each request opened its own connection: \(numbers)")
        }
    }

    /// The memoised answer carries what the responder's first answer carried, with its own
    /// request id, `Date` and `Server`.
    @Test func memoisedPagesKeepTheirHeaders() async throws {
        try await withRouter { router in
            let first = try await router.get(DemoSite.freeLesson)
            let second = try await router.get(DemoSite.freeLesson)
            #expect(first.status == 200 && second.status == 200)
            #expect(second.text == first.text)
            for name in ["ETag", "Content-Type", "Cache-Control", "Server"] {
                #expect(second.header(name) != nil && second.header(name) == first.header(name), "\(name)")
            }
            #expect(second.header("Date") != nil)
            #expect(second.header("X-Request-Id") != nil && second.header("X-Request-Id") != first.header("X-Request-Id"))
        }
    }
}
