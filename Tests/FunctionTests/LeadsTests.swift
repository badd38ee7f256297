@testable import FunctionKit
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import LeadsFunction
import Store
import Testing

@Suite struct LeadsTests {
    struct LeadBody: Decodable {
        struct Lead: Decodable { let email: String; let created: Bool }
        let lead: Lead
        let message: String
    }

    @Test(arguments: FunctionTestSupport.backends)
    func newAddressIsStoredAndDuplicatesMerge(_ backend: FunctionTestSupport.Backend) async throws {
        try await FunctionTestSupport.withDatabase(backend) { database in
            let config = try FunctionTestSupport.config(name: "leads", database: database)
            let app = try await LeadsFunction.buildApplication(config: config)
            try await app.test(.router) { client in
                let first = try await client.postJSON("/api/leads", #"{"email":" Ada@Example.COM ","consent":true,"source":"/pricing/"}"#)
                #expect(first.status == .created)
                let body = try JSONDecoder().decode(LeadBody.self, from: Data(buffer: first.body))
                #expect(body.lead.email == "ada@example.com")
                #expect(body.lead.created)

                let again = try await client.postJSON("/api/leads", #"{"email":"ada@example.com","name":"Ada","consent":true}"#)
                #expect(again.status == .ok)
                #expect(try JSONDecoder().decode(LeadBody.self, from: Data(buffer: again.body)).lead.created == false)
            }
            let store = try await Store.open(try DatabaseURL(database))
            let leads = try await LeadsFunction.allLeads(in: store)
            await store.close()
            #expect(leads.count == 1)
            #expect(leads.first?.name == "Ada")
            #expect(leads.first?.source == "/pricing/")  // kept: the second post had no source
            #expect(leads.first?.submissions == 2)
            #expect(leads.first.map { $0.consentAt <= $0.updatedAt } == true)
        }
    }

    @Test func invalidInputGetsA4xxNamingTheField() async throws {
        try await FunctionTestSupport.withDatabase(.sqlite) { database in
            let app = try await LeadsFunction.buildApplication(config: try FunctionTestSupport.config(name: "leads", database: database))
            try await app.test(.router) { client in
                let cases: [(String, HTTPResponse.Status, String?, String)] = [
                    (#"{"email":"not-an-address","consent":true}"#, .unprocessableContent, "email", "invalid_field"),
                    (#"{"email":"a@b","consent":true}"#, .unprocessableContent, "email", "invalid_field"),
                    (#"{"email":"a@example.com"}"#, .unprocessableContent, "consent", "invalid_field"),
                    (#"{"email":"a@example.com","consent":false}"#, .unprocessableContent, "consent", "invalid_field"),
                    (#"{"email":"a@example.com","consent":"yes"}"#, .unprocessableContent, "consent", "invalid_field"),
                    (#"{"email":42,"consent":true}"#, .unprocessableContent, "email", "invalid_field"),
                    (#"{"email":"a@example.com","consent":true,"source":"javascript:alert(1)"}"#, .unprocessableContent, "source", "invalid_field"),
                    (#"{"email":"a@example.com","consent":true,"name":"\#(String(repeating: "x", count: 121))"}"#, .unprocessableContent, "name", "invalid_field"),
                    (#"{"email": "a@example.com", "consent": tru"#, .badRequest, nil, "invalid_json"),
                    (#"["a@example.com"]"#, .badRequest, nil, "invalid_json"),
                ]
                for (json, status, field, code) in cases {
                    let response = try await client.postJSON("/api/leads", json)
                    #expect(response.status == status, "\(json)")
                    let error = try ErrorBody(response)
                    #expect(error.error.field == field, "\(json)")
                    #expect(error.error.code == code, "\(json)")
                    #expect(!error.error.message.isEmpty)
                }
                var invalidUTF8 = ByteBuffer(string: #"{"email":"a@example.com","name":""#)
                invalidUTF8.writeBytes([0xC3, 0x28, 0xFF])
                invalidUTF8.writeString(#"","consent":true}"#)
                let bad = try await client.execute(uri: "/api/leads", method: .post, headers: [.contentType: "application/json"], body: invalidUTF8)
                #expect(bad.status == .badRequest)

                let plain = try await client.execute(uri: "/api/leads", method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: "hi"))
                #expect(plain.status == .unsupportedMediaType)
                #expect(try ErrorBody(plain).error.code == "unsupported_media_type")

                let big = try await client.postJSON("/api/leads", #"{"email":"a@example.com","consent":true,"name":""# + String(repeating: "x", count: 70_000) + #""}"#)
                #expect(big.status == .contentTooLarge)
                #expect(try ErrorBody(big).error.code == "body_too_large")

                let get = try await client.execute(uri: "/api/leads", method: .get)
                #expect(get.status.code >= 400 && get.status.code < 500)
                #expect(try ErrorBody(get).error.code.isEmpty == false)
            }
            let store = try await Store.open(try DatabaseURL(database))
            #expect(try await LeadsFunction.allLeads(in: store).isEmpty)
            await store.close()
        }
    }

    @Test func formPostsRedirectBackOnSiteOnly() async throws {
        try await FunctionTestSupport.withDatabase(.sqlite) { database in
            let app = try await LeadsFunction.buildApplication(config: try FunctionTestSupport.config(name: "leads", database: database))
            try await app.test(.router) { client in
                func post(_ form: String) async throws -> TestResponse {
                    try await client.execute(uri: "/api/leads", method: .post,
                                             headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: form))
                }
                let ok = try await post("email=bo%40example.com&name=Bo+Smith&consent=yes&source=%2Fabout%2F&redirect=%2Fabout%2F")
                #expect(ok.status == .seeOther)
                #expect(ok.headers[.location] == "/about/?lead=ok")

                let missingConsent = try await post("email=bo%40example.com&redirect=%2Fabout%2F")
                #expect(missingConsent.headers[.location] == "/about/?lead=error&code=invalid_field&field=consent")

                for evil in ["%2F%2Fevil.example%2F", "https%3A%2F%2Fevil.example%2F", "%2F%5Cevil.example", "%2Fok%0D%0ASet-Cookie%3A+x%3D1"] {
                    let response = try await post("email=c%40example.com&consent=yes&redirect=\(evil)")
                    let location = response.headers[.location] ?? ""
                    #expect(location.hasPrefix("/") && !location.hasPrefix("//") && !location.hasPrefix("/\\"), "\(evil)")
                    #expect(!location.contains("\r") && !location.contains("\n"))
                }
            }
            let store = try await Store.open(try DatabaseURL(database))
            let leads = try await LeadsFunction.allLeads(in: store)
            await store.close()
            #expect(leads.map(\.email) == ["bo@example.com", "c@example.com"])
            #expect(leads.first?.name == "Bo Smith")
        }
    }

    @Test func rateLimitedPerClientWithRetryAfter() async throws {
        try await FunctionTestSupport.withDatabase(.sqlite) { database in
            let config = try FunctionTestSupport.config(name: "leads", database: database, extra: ["LECTERN_RATE_LIMIT": "3"])
            let app = try await LeadsFunction.buildApplication(config: config)
            try await app.test(.router) { client in
                var statuses: [HTTPResponse.Status] = []
                var retryAfter: String?
                for index in 0..<5 {
                    let response = try await client.postJSON("/api/leads", #"{"email":"r\#(index)@example.com","consent":true}"#)
                    statuses.append(response.status)
                    if response.status == .tooManyRequests {
                        retryAfter = response.headers[.retryAfter]
                        #expect(try ErrorBody(response).error.code == "rate_limited")
                    }
                }
                #expect(statuses == [.created, .created, .created, .tooManyRequests, .tooManyRequests])
                #expect(retryAfter.flatMap(Int.init).map { $0 >= 1 } == true)
            }
        }
    }

    @Test func csvExportQuotesAndDefusesFormulas() {
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        let csv = LeadsFunction.csv([
            Lead(email: "a@example.com", name: "Smith, Ann \"AJ\"", source: "/", consentAt: date, createdAt: date, updatedAt: date, submissions: 2),
            Lead(email: "b@example.com", name: "=HYPERLINK(\"http://x\")", source: nil, consentAt: date, createdAt: date, updatedAt: date, submissions: 1),
        ])
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines[0] == "email,name,source,consent_at,created_at,updated_at,submissions")
        #expect(lines[1] == #"a@example.com,"Smith, Ann ""AJ""",/,2023-11-14T22:13:20Z,2023-11-14T22:13:20Z,2023-11-14T22:13:20Z,2"#)
        #expect(lines[2].hasPrefix(#"b@example.com,"'=HYPERLINK(""http://x"")",,"#))
    }
}
