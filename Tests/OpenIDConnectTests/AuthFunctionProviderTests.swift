@testable import AuthFunction
import FunctionKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Store
import Testing

/// "Continue with Google" through the auth function, against the fake provider on loopback:
/// the redirect out, the consent, the callback that signs in, and the account rules.
@Suite struct AuthFunctionProviderTests {
    static let siteURL = "http://localhost:8080"

    struct Setup {
        let session: FakeProviderSession
        let database: String
        let config: FunctionConfig
    }

    static func run(_ body: @escaping @Sendable (Setup, any TestClientProtocol) async throws -> Void) async throws {
        try await FakeProviderSession.run(.google) { session in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lectern-oidc-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let database = "sqlite://\(folder)/auth.sqlite"
            let config = try FunctionConfig.fromEnvironment(name: "auth", environment: [
                "DATABASE_URL": database, "LECTERN_ENV": "development", "LECTERN_DOTENV": "/nonexistent/.env", "PORT": "0",
                "SITE_URL": siteURL, "AUTH_SECRET": String(repeating: "s", count: 40), "MAIL_OUTBOX": folder + "/outbox",
                "PASSWORD_HASH_COST": "10",
                "GOOGLE_CLIENT_ID": FakeOpenIDProvider.clientID, "GOOGLE_CLIENT_SECRET": FakeOpenIDProvider.clientSecret,
                "OIDC_GOOGLE_ISSUER": session.provider.discoveryBase(at: session.baseURL),
            ])
            try await AuthFunction.buildApplication(config: config).test(.router) { client in
                try await body(Setup(session: session, database: database, config: config), client)
            }
        }
    }

    /// Start → consent at the provider → the callback's answer.
    static func signIn(_ setup: Setup, _ client: any TestClientProtocol, returnTo: String = "/courses/",
                       sendStateCookie: Bool = true, headers: HTTPFields = [:]) async throws -> TestResponse {
        let start = try await client.execute(uri: "/api/auth/oidc/google/start?return_to=\(returnTo)", method: .get, headers: headers)
        #expect(start.status == .found)
        let authorize = try #require(start.headers[.location].flatMap { URLComponents(string: $0) })
        #expect(authorize.queryItems?.first { $0.name == "code_challenge_method" }?.value == "S256")
        #expect(authorize.queryItems?.first { $0.name == "redirect_uri" }?.value == siteURL + "/api/auth/oidc/google/callback")
        let stateCookie = try #require(start.headers[values: .setCookie].first { $0.hasPrefix("lectern_oidc=") })
        let consent = try await setup.session.browser.execute(uri: "\(authorize.percentEncodedPath)?\(authorize.percentEncodedQuery ?? "")", method: .get)
        let back = try #require(consent.headers[.location].flatMap { URLComponents(string: $0) })
        var callbackHeaders = headers
        if sendStateCookie { callbackHeaders[.cookie] = String(stateCookie.prefix { $0 != ";" }) }
        return try await client.execute(uri: "\(back.percentEncodedPath)?\(back.percentEncodedQuery ?? "")", method: .get, headers: callbackHeaders)
    }

    static func sessionCookie(_ response: TestResponse) -> String? {
        response.headers[values: .setCookie].first { $0.hasPrefix("lectern_session=") && !$0.hasPrefix("lectern_session=;") }
            .map { String($0.prefix { $0 != ";" }) }
    }

    @Test func providersAreListedAndASignInCreatesTheAccount() async throws {
        try await Self.run { setup, client in
            let providers = try await client.execute(uri: "/api/auth/providers", method: .get)
            #expect(String(buffer: providers.body).contains(#""id":"google""#))

            let done = try await Self.signIn(setup, client)
            #expect(done.status == .found)
            #expect(done.headers[.location] == "/courses/")
            let cookie = try #require(Self.sessionCookie(done))
            let me = try await client.execute(uri: "/api/auth/session", method: .get, headers: [.cookie: cookie])
            #expect(me.status == .ok)
            #expect(String(buffer: me.body).contains(#""email":"ada@example.com""#))

            // The same identity signs in to the same account.
            let again = try await Self.signIn(setup, client)
            #expect(Self.sessionCookie(again) != nil)
            let store = try await Store.open(try DatabaseURL(setup.database))
            let counts = try await store.withDatabase { db in
                (try await db.raw("SELECT COUNT(*) AS n FROM users").first()?.decode(column: "n", as: Int.self),
                 try await db.raw("SELECT COUNT(*) AS n FROM identities").first()?.decode(column: "n", as: Int.self))
            }
            await store.close()
            #expect(counts.0 == 1 && counts.1 == 1)
        }
    }

    /// The state must come back to the browser that started the sign-in (login CSRF).
    @Test func aCallbackWithoutTheStateCookieIsRefused() async throws {
        try await Self.run { setup, client in
            let done = try await Self.signIn(setup, client, sendStateCookie: false)
            #expect(done.status == .found)
            #expect(done.headers[.location] == "/account/signin/?error=provider_state")
            #expect(Self.sessionCookie(done) == nil)
        }
    }

    @Test func anExistingAccountIsLinkedOnlyWhenTheProviderVerifiedTheAddress() async throws {
        try await Self.run { setup, client in
            let store = try await Store.open(try DatabaseURL(setup.database))
            try await store.withDatabase { db in
                try await db.raw("INSERT INTO users (id, email, email_verified_at, roles, created_at, updated_at) VALUES ('existing', 'ada@example.com', 1, 'student', 1, 1)").run()
            }
            await setup.session.state.issueTokens { $0.emailVerified = .bool(false) }
            let refused = try await Self.signIn(setup, client)
            #expect(refused.headers[.location] == "/account/signin/?error=provider_email_unverified")
            #expect(Self.sessionCookie(refused) == nil)

            await setup.session.state.issueTokens { $0.emailVerified = .bool(true) }
            let linked = try await Self.signIn(setup, client, returnTo: "//evil.example/")
            #expect(linked.headers[.location] == "/account/", "only same-site paths are followed")
            let owner = try await store.withDatabase { db in
                try await db.raw("SELECT user_id FROM identities").first()?.decode(column: "user_id", as: String.self)
            }
            await store.close()
            #expect(owner == "existing")
        }
    }
}
