import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// Bad input sent through the router to the leads function: a 4xx that names the problem,
/// never a 5xx, and form redirects that stay on this site.
@Suite(.timeLimit(.minutes(1)))
struct MalformedInputTests {
    @Test func badJSONBodiesAreClientErrors() async throws {
        try await withRouter(functions: [.leads()]) { router in
            func post(_ body: [UInt8], type: String = "application/json") async throws -> Reply {
                try await router.send("POST", "/api/leads", headers: [("Content-Type", type)], body: body)
            }
            let truncated = try await post(Array(#"{"email":"a@example.com","#.utf8))
            #expect(truncated.status == 400, "\(truncated)")
            #expect(truncated.errorCode == "invalid_json")

            let wrongType = try await post(Array(#"{"email":"a@example.com","consent":"yes"}"#.utf8))
            #expect(wrongType.status == 422, "\(wrongType)")
            #expect(wrongType.errorField == "consent")

            let notAnObject = try await post(Array("[1,2,3]".utf8))
            #expect(notAnObject.status == 400, "\(notAnObject)")

            let invalidUTF8 = try await post([0x7B, 0x22, 0x65, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0xC3, 0x22, 0x7D])
            #expect(invalidUTF8.status == 400, "\(invalidUTF8)")
            #expect(invalidUTF8.errorCode == "invalid_encoding")

            // Over the function's own 64 KiB limit, under the router's 1 MiB one.
            let padding = String(repeating: "n", count: 100_000)
            let oversized = try await post(Array(#"{"email":"a@example.com","consent":true,"name":"\#(padding)"}"#.utf8))
            #expect(oversized.status == 413, "\(oversized)")
            #expect(oversized.errorCode == "body_too_large")

            let plainText = try await post(Array("email=a@example.com".utf8), type: "text/plain")
            #expect(plainText.status == 415, "\(plainText)")
            #expect(plainText.errorCode == "unsupported_media_type")

            let badEmail = try await post(Array(#"{"email":"not an address","consent":true}"#.utf8))
            #expect(badEmail.status == 422)
            #expect(badEmail.errorField == "email")

            let newlineInName = try await post(Array(#"{"email":"a@example.com","consent":true,"name":"A\r\nB"}"#.utf8))
            #expect(newlineInName.status == 422)
            #expect(newlineInName.errorField == "name")

            for reply in [truncated, wrongType, notAnObject, invalidUTF8, oversized, plainText, badEmail, newlineInName] {
                #expect(reply.status < 500)
                #expect(reply.isJSON, "\(reply)")
            }
            #expect(try await router.storedLeadEmails().isEmpty)
        }
    }

    @Test func formPostsRedirectOnlyWithinTheSite() async throws {
        try await withRouter(functions: [.leads()]) { router in
            let cases: [(form: String, expectedQuery: String)] = [
                ("email=a%40example.com&consent=on&redirect=%2F%2Fevil.example%2F", "lead=ok"),
                ("email=b%40example.com&consent=on&redirect=https%3A%2F%2Fevil.example%2F", "lead=ok"),
                ("email=c%40example.com&consent=on&redirect=%2F%5Cevil.example", "lead=ok"),
                ("email=d%40example.com&consent=on&redirect=%2Fthanks%0d%0aSet-Cookie%3A%20a%3D1", "lead=ok"),
                ("email=e%40example.com&consent=on&source=%2Fx%0d%0aSet-Cookie%3A%20a%3D1&redirect=%2Fabout%2F", "lead=error"),
                ("email=f%40example.com&redirect=%2Fabout%2F", "lead=error"),
                ("email=g%40example.com&consent=on&x%0d%0aSet-Cookie%3A%20a%3D1=%zz", "lead=error"),
            ]
            for (form, expectedQuery) in cases {
                let reply = try await router.postForm("/api/leads", form)
                #expect(reply.status == 303, "\(form): \(reply)")
                let location = try #require(reply.header("Location"), "\(form)")
                #expect(location.hasPrefix("/") && !location.hasPrefix("//") && !location.hasPrefix("/\\"), "\(form) → \(location)")
                #expect(!location.contains("\r") && !location.contains("\n"), "\(form) → \(location.debugDescription)")
                #expect(location.contains(expectedQuery), "\(form) → \(location)")
                #expect(!reply.has("Set-Cookie"), "\(form)")
            }
            let kept = try await router.postForm("/api/leads", "email=h%40example.com&consent=on&redirect=%2Fabout%2F%3Fsigned%3D1")
            #expect(kept.header("Location") == "/about/?signed=1&lead=ok")
        }
    }

    /// A chunked body (no `Content-Length`) over the function's 64 KiB limit but under the
    /// router's: the same 413 as a declared one, not a 500.
    @Test func chunkedBodiesOverTheFunctionsLimitAre413() async throws {
        try await withRouter(functions: [.leads()]) { router in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(router.port)/api/leads")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            let chunks = (0..<100).map { _ in ByteBuffer(string: String(repeating: " ", count: 1000)) }
            request.body = .stream(chunks.asyncStream, length: .unknown)
            let reply = try await router.execute(request)
            #expect(reply.status == 413, "\(reply)")
            #expect(reply.errorCode == "body_too_large")
        }
    }
}
