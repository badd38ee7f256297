import FunctionKit
import Foundation
import Testing

/// What goes where: `/api/…` to functions (never to `dist/`), the OpenAPI document, request ids.
@Suite(.timeLimit(.minutes(1)))
struct RouterTests {
    @Test func leadsThroughTheRouter() async throws {
        try await withRouter(functions: [.leads()]) { router in
            let first = try await router.signUp("Ada@Example.com")
            #expect(first.status == 201, "\(first)")
            #expect(first.isJSON)
            #expect((first.json?["lead"] as? [String: Any])?["created"] as? Bool == true)

            let second = try await router.signUp("ada@example.com")
            #expect(second.status == 200, "\(second)")
            #expect((second.json?["lead"] as? [String: Any])?["created"] as? Bool == false)

            #expect(try await router.storedLeadEmails() == ["ada@example.com"])
        }
    }

    @Test func apiPathsNeverFallBackToStaticFiles() async throws {
        try await withRouter(functions: [.leads()]) { router in
            #expect(FileManager.default.fileExists(atPath: router.site.dist + "/api/x/index.html"))
            for path in ["/api/x/", "/api/x", "/api/x/index.html", "/api", "/api/"] {
                let reply = try await router.get(path)
                #expect(reply.status == 404, "\(path): \(reply)")
                #expect(reply.isJSON, "\(path): \(reply)")
                #expect(reply.errorCode == "not_found", "\(path)")
                #expect(!reply.text.contains(DemoSite.apiDecoyText), "\(path)")
            }
        }
    }

    /// The router picks the API by the raw path but serves files by the decoded one, so
    /// `/%61pi/x/` (which decodes to `/api/x/`) must not reach `dist/api/x/index.html` either.
    @Test func encodedAPIPathsNeverFallBackToStaticFiles() async throws {
        try await withRouter(functions: [.leads()]) { router in
            for target in ["/%61pi/x/", "/%61%70%69/x/"] {
                let reply = try await RawHTTP.get(port: router.port, target: target)
                #expect(!reply.body.contains(DemoSite.apiDecoyText), "\(target) served dist/api/x/index.html")
                #expect(reply.status == 404 || reply.status == 400, "\(target) → \(reply.status)")
            }
        }
    }

    @Test func openAPIDocumentIsServedAsJSON() async throws {
        let document = DemoSite.repositoryRoot + "/functions/openapi.json"
        try await withRouter(configure: { $0.openAPIDocument = document }) { router in
            let reply = try await router.get("/api/openapi.json")
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type")?.hasPrefix("application/json") == true)
            #expect(reply.json?["openapi"] is String)
            #expect(reply.body == Array(try Data(contentsOf: URL(fileURLWithPath: document))))

            let post = try await router.send("POST", "/api/openapi.json", body: [])
            #expect(post.status == 405)
            #expect(post.isJSON)
        }
        try await withRouter { router in
            let reply = try await router.get("/api/openapi.json")
            #expect(reply.status == 404)
            #expect(reply.isJSON)
        }
    }

    @Test func unknownFunctionIsAJSON404() async throws {
        try await withRouter(functions: [.leads()]) { router in
            let reply = try await router.get("/api/nothing-here/check")
            #expect(reply.status == 404)
            #expect(reply.errorCode == "not_found")
        }
    }

    @Test func everyResponseCarriesARequestID() async throws {
        try await withRouter(functions: [.leads()]) { router in
            for reply in [try await router.get("/"), try await router.get("/missing/"), try await router.get("/api/nope/"),
                          try await router.signUp("id@example.com")] {
                let id = try #require(reply.header("X-Request-Id"), "\(reply)")
                #expect(RequestIDMiddleware.isWellFormed(id), "\(id)")
            }
            let one = try await router.get("/")
            let two = try await router.get("/")
            #expect(one.header("X-Request-Id") != two.header("X-Request-Id"))
        }
    }

    @Test func aWellFormedIncomingRequestIDIsKept() async throws {
        try await withRouter(functions: [.leads(), .fake(name: "echo", behaviour: .echo)]) { router in
            let id = "trace-0123456789abcdef"
            let page = try await router.get("/about/", headers: [("X-Request-Id", id)])
            #expect(page.header("X-Request-Id") == id)

            let lead = try await router.signUp("trace@example.com", headers: [("X-Request-Id", id)])
            #expect(lead.status == 201)
            #expect(lead.header("X-Request-Id") == id)

            let echoed = try await router.get("/api/echo/headers", headers: [("X-Request-Id", id)])
            let seen = try #require(echoed.json?["headers"] as? [String: [String]])
            #expect(seen["x-request-id"] == [id], "the function must see the same id")

            for bad in ["short", "has spaces in it", "semi;colon;is;bad", String(repeating: "a", count: 65)] {
                let reply = try await router.get("/", headers: [("X-Request-Id", bad)])
                let replaced = try #require(reply.header("X-Request-Id"))
                #expect(replaced != bad)
                #expect(RequestIDMiddleware.isWellFormed(replaced))
            }
        }
    }
}
