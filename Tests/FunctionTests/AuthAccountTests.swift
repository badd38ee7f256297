@testable import Accounts
@testable import AuthFunction
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Store
import Testing

/// Email and password accounts, browser sessions and CSRF (points 1 and 2 of the accounts issue).
@Suite struct AuthAccountTests {
    @Test(arguments: FunctionTestSupport.backends)
    func signUpVerifySignInSignOut(_ backend: FunctionTestSupport.Backend) async throws {
        try await FunctionTestSupport.withDatabase(backend) { database in
            let harness = try AuthHarness(database: database)
            try await harness.app().test(.router) { client in
                let signUp = try await client.json(.post, "/api/auth/signup", #"{"email":" Ada@Example.com ","password":"correct horse battery","name":"Ada"}"#)
                #expect(signUp.status == .accepted)
                // Not signed in until the address is confirmed.
                #expect(signUp.headers[values: .setCookie].isEmpty)
                let early = try await client.json(.post, "/api/auth/signin", #"{"email":"ada@example.com","password":"correct horse battery"}"#)
                #expect(early.status == .forbidden)
                #expect(early.errorCode == "email_not_verified")

                // The link is built from SITE_URL.
                let mail = try #require(try harness.mails(to: "ada@example.com").last)
                #expect(mail.contains("http://localhost:8080/account/verify/?token="))
                let token = try #require(try harness.token(to: "ada@example.com", path: "/account/verify/"))
                #expect(try await client.json(.post, "/api/auth/verify", #"{"token":"\#(token)"}"#).status == .ok)
                let again = try await client.json(.post, "/api/auth/verify", #"{"token":"\#(token)"}"#)
                #expect(again.status == .badRequest, "a verification link works once")
                #expect(again.errorCode == "invalid_token")

                let signIn = try await client.json(.post, "/api/auth/signin", #"{"email":"ADA@example.com","password":"correct horse battery"}"#)
                #expect(signIn.status == .ok)
                let cookies = signIn.headers[values: .setCookie]
                let sessionCookie = try #require(cookies.first { $0.hasPrefix("lectern_session=") })
                #expect(sessionCookie.contains("HttpOnly") && sessionCookie.contains("SameSite=Lax") && sessionCookie.contains("Path=/"))
                #expect(!sessionCookie.contains("Secure"), "http://localhost relaxes Secure")
                #expect(cookies.contains { $0.hasPrefix("lectern_hint=1") && !$0.contains("HttpOnly") })
                let browser = try BrowserSession(signIn)
                #expect(browser.cookie.count >= 43, "≥ 128 bits")

                let me = try await client.json(.get, "/api/auth/session", headers: browser.cookieOnly)
                #expect(me.status == .ok)
                let user = try #require(me.object["user"] as? [String: Any])
                #expect(user["email"] as? String == "ada@example.com")
                #expect(user["roles"] as? [String] == ["student"])
                #expect(user["email_verified"] as? Bool == true)
                #expect(me.object["csrf_token"] as? String == browser.csrf)

                #expect(try await client.json(.post, "/api/auth/signout", headers: browser.headers).status == .noContent)
                let after = try await client.json(.get, "/api/auth/session", headers: browser.cookieOnly)
                #expect(after.status == .unauthorized)
                #expect(after.errorCode == "not_signed_in")
            }
            // The store holds digests, never the cookie itself.
            let store = try await harness.store()
            let hashes = try await store.withDatabase { db in
                try await db.raw("SELECT token_hash FROM sessions").all().map { try $0.decode(column: "token_hash", as: String.self) }
            }
            let passwordHash = try await store.withDatabase { db in
                try await db.raw("SELECT password_hash FROM users").first()?.decode(column: "password_hash", as: String.self)
            }
            await store.close()
            #expect(hashes.count == 1 && hashes[0].count == 64)
            #expect(passwordHash?.hasPrefix("lectern1$") == true && passwordHash?.contains("$2b$10$") == true)
        }
    }

    @Test func httpsSiteGetsAHostPrefixedSecureCookie() {
        let settings = SessionSettings(siteURL: "https://learn.example.com/")
        #expect(settings.cookieName == "__Host-lectern_session")
        let cookie = settings.sessionCookie("abc")
        #expect(cookie.hasPrefix("__Host-lectern_session=abc;"))
        for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] { #expect(cookie.contains(attribute)) }
        #expect(!cookie.contains("Domain"), "__Host- cookies carry no Domain")
        #expect(settings.siteOrigin == "https://learn.example.com")
        #expect(SessionSettings(siteURL: "http://example.com").secureCookie, "only localhost relaxes Secure")
    }

    @Test func bcryptCostIsTwelveByDefaultAndLongPasswordsAreNotTruncated() async throws {
        let secrets = AuthSecrets(secret: Array(AuthHarness.secret.utf8))
        #expect(try AuthFunction.hashCost(try FunctionTestSupport.config(name: "auth", database: "sqlite:///tmp/x.sqlite")) == 12)
        let hasher = PasswordHasher(secrets: secrets, cost: 12)
        let prefix = String(repeating: "a", count: 72)
        let hash = try await hasher.hash(prefix + "first ending")
        #expect(hash.contains("$2b$12$"))
        #expect(try await hasher.verify(prefix + "first ending", against: hash).matches)
        // bcrypt alone reads 72 bytes: these two would both match without the HMAC pre-hash.
        #expect(try await hasher.verify(prefix + "other ending", against: hash).matches == false)
        // A hash made under a previous secret still verifies after rotation, and is redone.
        let rotated = PasswordHasher(secrets: AuthSecrets(secret: Array(String(repeating: "z", count: 40).utf8), previous: [Array(AuthHarness.secret.utf8)]), cost: 12)
        let verdict = try await rotated.verify(prefix + "first ending", against: hash)
        #expect(verdict.matches && verdict.needsRehash)
    }

    @Test func passwordRulesNameTheField() async throws {
        try await FunctionTestSupport.withDatabase(.sqlite) { database in
            let harness = try AuthHarness(database: database)
            try await harness.app().test(.router) { client in
                let cases: [(String, String)] = [
                    (#"{"email":"a@example.com","password":"short"}"#, "password"),
                    (#"{"email":"a@example.com","password":"password123"}"#, "password"),
                    (#"{"email":"a@example.com","password":"\#(String(repeating: "x", count: 129))"}"#, "password"),
                    (#"{"email":"a@example.com","password":"a@example.com"}"#, "password"),
                    (#"{"email":"not an address","password":"correct horse battery"}"#, "email"),
                    (#"{"password":"correct horse battery"}"#, "email"),
                    (#"{"email":"a@example.com"}"#, "password"),
                    (#"{"email":"a@example.com","password":42}"#, "password"),
                    (#"{"email":"a@example.com","password":"correct horse battery","name":"\#(String(repeating: "n", count: 101))"}"#, "name"),
                ]
                for (body, field) in cases {
                    let response = try await client.json(.post, "/api/auth/signup", body)
                    #expect(response.status == .unprocessableContent, "\(body)")
                    #expect(response.errorField == field, "\(body)")
                }
                let notJSON = try await client.json(.post, "/api/auth/signup", "{nope")
                #expect(notJSON.status == .badRequest)
                // 128 characters, no composition rules: fine.
                let longest = try await client.json(.post, "/api/auth/signup", #"{"email":"b@example.com","password":"\#(String(repeating: "horse ", count: 21) + "ab")"}"#)
                #expect(longest.status == .accepted)
                #expect(try harness.mails(to: "a@example.com").isEmpty)
            }
        }
    }

    /// An unknown address and a wrong password get the same answer; signing up with a taken
    /// address answers like a new one and emails the owner instead.
    @Test func noUserEnumeration() async throws {
        try await FunctionTestSupport.withDatabase(.sqlite) { database in
            let harness = try AuthHarness(database: database)
            try await harness.app().test(.router) { client in
                _ = try await client.newAccount(harness, email: "known@example.com")
                let wrong = try await client.json(.post, "/api/auth/signin", #"{"email":"known@example.com","password":"not the password"}"#)
                let unknown = try await client.json(.post, "/api/auth/signin", #"{"email":"nobody@example.com","password":"not the password"}"#)
                #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
                #expect(String(buffer: wrong.body) == String(buffer: unknown.body))

                let taken = try await client.json(.post, "/api/auth/signup", #"{"email":"known@example.com","password":"another good phrase"}"#)
                let fresh = try await client.json(.post, "/api/auth/signup", #"{"email":"fresh@example.com","password":"another good phrase"}"#)
                #expect(taken.status == .accepted && fresh.status == .accepted)
                #expect(String(buffer: taken.body) == String(buffer: fresh.body))
                #expect(try harness.mails(to: "known@example.com").last?.contains("already has an account") == true)

                let forgotKnown = try await client.json(.post, "/api/auth/password/forgot", #"{"email":"known@example.com"}"#)
                let forgotUnknown = try await client.json(.post, "/api/auth/password/forgot", #"{"email":"nobody@example.com"}"#)
                #expect(forgotKnown.status == .accepted && forgotUnknown.status == .accepted)
                #expect(String(buffer: forgotKnown.body) == String(buffer: forgotUnknown.body))
                #expect(try harness.mails(to: "nobody@example.com").isEmpty)
            }
        }
    }

    @Test(arguments: FunctionTestSupport.backends)
    func resetSignsOutEverySessionAndWorksOnce(_ backend: FunctionTestSupport.Backend) async throws {
        try await FunctionTestSupport.withDatabase(backend) { database in
            let harness = try AuthHarness(database: database)
            try await harness.app().test(.router) { client in
                let first = try await client.newAccount(harness, email: "reset@example.com")
                let second = try await client.signIn(email: "reset@example.com", password: "correct horse battery")
                // The link's host comes from SITE_URL, not from the request.
                let forgot = try await client.json(.post, "/api/auth/password/forgot", #"{"email":"reset@example.com"}"#,
                                                   headers: [HTTPField.Name("X-Forwarded-Host")!: "evil.example"])
                #expect(forgot.status == .accepted)
                let mail = try #require(try harness.mails(to: "reset@example.com").last)
                #expect(mail.contains("http://localhost:8080/account/reset/?token="))
                #expect(!mail.contains("evil.example"))
                let token = try #require(try harness.token(to: "reset@example.com", path: "/account/reset/"))

                let weak = try await client.json(.post, "/api/auth/password/reset", #"{"token":"\#(token)","new_password":"password"}"#)
                #expect(weak.status == .unprocessableContent && weak.errorField == "new_password")
                let reset = try await client.json(.post, "/api/auth/password/reset", #"{"token":"\#(token)","new_password":"a brand new phrase"}"#)
                #expect(reset.status == .ok)
                let replay = try await client.json(.post, "/api/auth/password/reset", #"{"token":"\#(token)","new_password":"yet another phrase"}"#)
                #expect(replay.status == .badRequest && replay.errorCode == "invalid_token")

                for browser in [first, second] {
                    #expect(try await client.json(.get, "/api/auth/session", headers: browser.cookieOnly).status == .unauthorized)
                }
                let old = try await client.json(.post, "/api/auth/signin", #"{"email":"reset@example.com","password":"correct horse battery"}"#)
                #expect(old.status == .unauthorized)
                _ = try await client.signIn(email: "reset@example.com", password: "a brand new phrase")
            }
        }
    }

    @Test func resetLinksExpireAfterAnHour() async throws {
        try await FunctionTestSupport.withDatabase(.sqlite) { database in
            let harness = try AuthHarness(database: database)
            try await harness.app().test(.router) { client in
                _ = try await client.newAccount(harness, email: "late@example.com")
                _ = try await client.json(.post, "/api/auth/password/forgot", #"{"email":"late@example.com"}"#)
                let token = try #require(try harness.token(to: "late@example.com", path: "/account/reset/"))
                let store = try await harness.store()
                let lifetime = try await store.withDatabase { db in
                    try await db.raw("SELECT expires_at - created_at AS lifetime FROM one_time_tokens WHERE purpose = 'reset'").first()?.decode(column: "lifetime", as: Int.self)
                }
                #expect(lifetime == 3600)
                try await store.withDatabase { db in try await db.raw("UPDATE one_time_tokens SET expires_at = expires_at - 3601 WHERE purpose = 'reset'").run() }
                await store.close()
                let reset = try await client.json(.post, "/api/auth/password/reset", #"{"token":"\#(token)","new_password":"a brand new phrase"}"#)
                #expect(reset.status == .badRequest && reset.errorCode == "invalid_token")
            }
        }
    }

    @Test func changingThePasswordRotatesTheSessionAndSignsOutOthers() async throws {
        try await FunctionTestSupport.withDatabase(.sqlite) { database in
            let harness = try AuthHarness(database: database)
            try await harness.app().test(.router) { client in
                let here = try await client.newAccount(harness, email: "change@example.com")
                let elsewhere = try await client.signIn(email: "change@example.com", password: "correct horse battery")
                let wrong = try await client.json(.post, "/api/auth/password", #"{"current_password":"nope nope nope","new_password":"a brand new phrase"}"#, headers: here.headers)
                #expect(wrong.status == .unauthorized && wrong.errorField == "current_password")
                let changed = try await client.json(.post, "/api/auth/password", #"{"current_password":"correct horse battery","new_password":"a brand new phrase"}"#, headers: here.headers)
                #expect(changed.status == .ok)
                let rotated = try BrowserSession(changed)
                #expect(rotated.cookie != here.cookie)
                #expect(try await client.json(.get, "/api/auth/session", headers: rotated.cookieOnly).status == .ok)
                #expect(try await client.json(.get, "/api/auth/session", headers: here.cookieOnly).status == .unauthorized)
                #expect(try await client.json(.get, "/api/auth/session", headers: elsewhere.cookieOnly).status == .unauthorized)
            }
        }
    }

    /// State changes with a session cookie need the session's CSRF token and a same-site origin.
    @Test func crossSiteRequestsAreRefused() async throws {
        try await FunctionTestSupport.withDatabase(.sqlite) { database in
            let harness = try AuthHarness(database: database)
            try await harness.app().test(.router) { client in
                let browser = try await client.newAccount(harness, email: "csrf@example.com")
                let missing = try await client.json(.post, "/api/auth/signout", headers: browser.cookieOnly)
                #expect(missing.status == .forbidden && missing.errorCode == "csrf_rejected")
                var wrongToken = browser.cookieOnly
                wrongToken[HTTPField.Name("X-CSRF-Token")!] = "guess"
                #expect(try await client.json(.post, "/api/auth/signout", headers: wrongToken).status == .forbidden)
                var crossSite = browser.headers
                crossSite[HTTPField.Name("Sec-Fetch-Site")!] = "cross-site"
                #expect(try await client.json(.post, "/api/auth/signout", headers: crossSite).status == .forbidden)
                var otherOrigin = browser.headers
                otherOrigin[.origin] = "https://evil.example"
                #expect(try await client.json(.post, "/api/auth/signout", headers: otherOrigin).status == .forbidden)
                // Login CSRF: signing someone in from another site is refused too.
                let forged = try await client.json(.post, "/api/auth/signin", #"{"email":"csrf@example.com","password":"correct horse battery"}"#,
                                                   headers: [.origin: "https://evil.example"])
                #expect(forged.status == .forbidden)
                // Still signed in: none of the refused requests did anything.
                #expect(try await client.json(.get, "/api/auth/session", headers: browser.cookieOnly).status == .ok)
                var sameOrigin = browser.headers
                sameOrigin[.origin] = "http://localhost:8080"
                sameOrigin[HTTPField.Name("Sec-Fetch-Site")!] = "same-origin"
                #expect(try await client.json(.post, "/api/auth/signout", headers: sameOrigin).status == .noContent)
            }
        }
    }

    @Test func sessionsAreListedRevocableAndTimeOut() async throws {
        try await FunctionTestSupport.withDatabase(.sqlite) { database in
            let harness = try AuthHarness(database: database, extra: ["SESSION_IDLE_MINUTES": "30"])
            try await harness.app().test(.router) { client in
                let laptop = try await client.newAccount(harness, email: "sessions@example.com")
                let phone = try await client.signIn(email: "sessions@example.com", password: "correct horse battery")
                let list = try await client.json(.get, "/api/auth/sessions", headers: laptop.cookieOnly)
                let sessions = try #require(list.object["sessions"] as? [[String: Any]])
                #expect(sessions.count == 2)
                #expect(sessions.filter { $0["current"] as? Bool == true }.count == 1)
                let other = try #require(sessions.first { $0["current"] as? Bool == false }?["id"] as? String)
                #expect(try await client.json(.delete, "/api/auth/sessions/\(other)", headers: laptop.headers).status == .noContent)
                #expect(try await client.json(.get, "/api/auth/session", headers: phone.cookieOnly).status == .unauthorized)
                #expect(try await client.json(.delete, "/api/auth/sessions/\(other)", headers: laptop.headers).status == .notFound)

                let store = try await harness.store()
                // Idle for 31 minutes: signed out.
                try await store.withDatabase { db in try await db.raw("UPDATE sessions SET last_seen_at = last_seen_at - 1860").run() }
                #expect(try await client.json(.get, "/api/auth/session", headers: laptop.cookieOnly).status == .unauthorized)
                // Active but past the absolute limit: signed out too.
                let fresh = try await client.signIn(email: "sessions@example.com", password: "correct horse battery")
                try await store.withDatabase { db in try await db.raw("UPDATE sessions SET expires_at = 1").run() }
                await store.close()
                #expect(try await client.json(.get, "/api/auth/session", headers: fresh.cookieOnly).status == .unauthorized)
            }
        }
    }
}
