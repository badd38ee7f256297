@testable import Accounts
@testable import AuthFunction
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdOTP
import HummingbirdTesting
import JWTKit
import SQLKit
import Store
import Testing

/// Two-factor sign-in, API tokens, roles and the security log, limits, and the privacy routes
/// (points 3, 4, 6, 7 and 9 of the accounts issue).
@Suite struct AuthSecurityTests {
    /// The code an authenticator app would show for `secret` (the base32 key the page shows).
    static func code(base32 key: String, at date: Date) throws -> String {
        let bytes = try #require(base32Decode(key))
        let secret = try #require(String(bytes: bytes, encoding: .utf8))
        return String(format: "%06d", TOTP(secret: secret).compute(date: date))
    }

    static func base32Decode(_ text: String) -> [UInt8]? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var buffer = 0, bits = 0
        var bytes: [UInt8] = []
        for character in text {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5) | value
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((buffer >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return bytes
    }

    @Test func totpMatchesRFC6238AndAcceptsOneStepOfDrift() {
        // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 → the last six digits.
        let secret = "12345678901234567890"
        let at59 = Date(timeIntervalSince1970: 59)
        #expect(TwoFactor.matchingStep(code: "287082", secret: secret, now: at59, lastUsedStep: nil) == 1)
        let at1111111109 = Date(timeIntervalSince1970: 1_111_111_109)
        #expect(TwoFactor.matchingStep(code: "081804", secret: secret, now: at1111111109, lastUsedStep: nil) == 37_037_036)
        // One step either side is accepted (clock drift), two are not.
        #expect(TwoFactor.matchingStep(code: "287082", secret: secret, now: Date(timeIntervalSince1970: 89), lastUsedStep: nil) == 1)
        #expect(TwoFactor.matchingStep(code: "287082", secret: secret, now: Date(timeIntervalSince1970: 119), lastUsedStep: nil) == nil)
        // A step at or before the last accepted one is refused: each code works once.
        #expect(TwoFactor.matchingStep(code: "287082", secret: secret, now: at59, lastUsedStep: 1) == nil)
        #expect(TwoFactor.typedKey(secret) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
    }

    @Test(arguments: FunctionTestSupport.backends)
    func twoFactorEnrolmentAndSignIn(_ backend: FunctionTestSupport.Backend) async throws {
        try await FunctionTestSupport.withDatabase(backend) { database in
            let harness = try AuthHarness(database: database)
            try await harness.app().test(.router) { client in
                let browser = try await client.newAccount(harness, email: "totp@example.com")
                let badPassword = try await client.json(.post, "/api/auth/2fa/setup", #"{"password":"wrong wrong wrong"}"#, headers: browser.headers)
                #expect(badPassword.status == .unauthorized && badPassword.errorField == "password")
                let setup = try await client.json(.post, "/api/auth/2fa/setup", #"{"password":"correct horse battery"}"#, headers: browser.headers)
                #expect(setup.status == .ok)
                let key = try #require(setup.object["secret"] as? String)
                let uri = try #require(setup.object["otpauth_uri"] as? String)
                #expect(uri.hasPrefix("otpauth://totp/Lectern:totp@example.com?secret=\(key)"))

                // The secret is sealed at rest: neither its text nor its key appear in the row.
                let store = try await harness.store()
                let sealed = try await store.withDatabase { db in
                    try await db.raw("SELECT totp_secret FROM users").first()?.decode(column: "totp_secret", as: String?.self)
                }
                let secret = String(bytes: try #require(Self.base32Decode(key)), encoding: .utf8)!
                #expect(sealed?.hasPrefix("v1.") == true)
                #expect(sealed?.contains(secret) == false && sealed?.contains(key) == false)

                let now = Date()
                let wrong = try await client.json(.post, "/api/auth/2fa/enable", #"{"code":"000000"}"#, headers: browser.headers)
                #expect(wrong.status == .unprocessableContent && wrong.errorField == "code")
                let enable = try await client.json(.post, "/api/auth/2fa/enable", #"{"code":"\#(try Self.code(base32: key, at: now))"}"#, headers: browser.headers)
                #expect(enable.status == .ok)
                let recovery = try #require(enable.object["recovery_codes"] as? [String])
                #expect(recovery.count == 10 && Set(recovery).count == 10)
                // Enabling rotated the session.
                #expect(try await client.json(.get, "/api/auth/session", headers: browser.cookieOnly).status == .unauthorized)

                // Password alone is not enough now.
                let first = try await client.json(.post, "/api/auth/signin", #"{"email":"totp@example.com","password":"correct horse battery"}"#)
                #expect(first.object["two_factor_required"] as? Bool == true)
                #expect(first.headers[values: .setCookie].isEmpty)
                let challenge = try #require(first.object["challenge"] as? String)
                // The code used to enrol is spent: the same step is refused.
                let reused = try await client.json(.post, "/api/auth/signin/2fa", #"{"challenge":"\#(challenge)","code":"\#(try Self.code(base32: key, at: now))"}"#)
                #expect(reused.status == .unauthorized && reused.errorCode == "invalid_code")
                // The next step's code (clock drift) works once.
                let next = try Self.code(base32: key, at: now.addingTimeInterval(30))
                let signedIn = try await client.json(.post, "/api/auth/signin/2fa", #"{"challenge":"\#(challenge)","code":"\#(next)"}"#)
                #expect(signedIn.status == .ok)
                _ = try BrowserSession(signedIn)
                let again = try await client.json(.post, "/api/auth/signin/2fa", #"{"challenge":"\#(challenge)","code":"\#(next)"}"#)
                #expect(again.status == .badRequest && again.errorCode == "invalid_challenge", "a challenge is spent by success")

                // A recovery code works once, with or without dashes.
                let second = try await client.json(.post, "/api/auth/signin", #"{"email":"totp@example.com","password":"correct horse battery"}"#)
                let challenge2 = try #require(second.object["challenge"] as? String)
                let code = recovery[3].uppercased().replacingOccurrences(of: "-", with: " ")
                #expect(try await client.json(.post, "/api/auth/signin/2fa", #"{"challenge":"\#(challenge2)","code":"\#(code)"}"#).status == .ok)
                let third = try await client.json(.post, "/api/auth/signin", #"{"email":"totp@example.com","password":"correct horse battery"}"#)
                let challenge3 = try #require(third.object["challenge"] as? String)
                #expect(try await client.json(.post, "/api/auth/signin/2fa", #"{"challenge":"\#(challenge3)","code":"\#(recovery[3])"}"#).status == .unauthorized)

                let events = try await AuditLog(store: store).events().map(\.event)
                await store.close()
                #expect(events.contains("2fa_enabled") && events.contains("2fa_failed"))
            }
        }
    }

    @Test func aSealedSecretOpensOnlyForItsOwnRowAndKey() throws {
        let secrets = AuthSecrets(secret: Array(AuthHarness.secret.utf8))
        let box = SecretBox(secrets: secrets)
        let sealed = try box.seal("JBSWY3DPEHPK3PXP", boundTo: "user-1")
        #expect(try box.open(sealed, boundTo: "user-1") == "JBSWY3DPEHPK3PXP")
        #expect(throws: (any Error).self) { try box.open(sealed, boundTo: "user-2") }
        let other = SecretBox(secrets: AuthSecrets(secret: Array(String(repeating: "q", count: 32).utf8)))
        #expect(throws: (any Error).self) { try other.open(sealed, boundTo: "user-1") }
        // After a rotation the old key still opens what it sealed.
        let rotated = SecretBox(secrets: AuthSecrets(secret: Array(String(repeating: "q", count: 32).utf8), previous: [Array(AuthHarness.secret.utf8)]))
        #expect(try rotated.open(sealed, boundTo: "user-1") == "JBSWY3DPEHPK3PXP")
    }

    @Test(arguments: FunctionTestSupport.backends)
    func apiTokensRotateAndReuseRevokesTheFamily(_ backend: FunctionTestSupport.Backend) async throws {
        try await FunctionTestSupport.withDatabase(backend) { database in
            let harness = try AuthHarness(database: database)
            try await harness.app().test(.router) { client in
                _ = try await client.newAccount(harness, email: "api@example.com")
                let issued = try await client.json(.post, "/api/auth/tokens", #"{"email":"api@example.com","password":"correct horse battery"}"#)
                #expect(issued.status == .ok)
                let access = try #require(issued.object["access_token"] as? String)
                let refresh1 = try #require(issued.object["refresh_token"] as? String)
                #expect(issued.object["token_type"] as? String == "Bearer")
                #expect(issued.object["expires_in"] as? Int == 900)

                let me = try await client.json(.get, "/api/auth/session", headers: [.authorization: "Bearer \(access)"])
                #expect(me.status == .ok)
                // An access token cannot mint more tokens, nor manage the account.
                #expect(try await client.json(.post, "/api/auth/tokens", headers: [.authorization: "Bearer \(access)"]).status == .forbidden)
                #expect(try await client.json(.post, "/api/auth/password", #"{"current_password":"correct horse battery","new_password":"a brand new phrase"}"#,
                                               headers: [.authorization: "Bearer \(access)"]).status == .forbidden)

                let rotated = try await client.json(.post, "/api/auth/tokens/refresh", #"{"refresh_token":"\#(refresh1)"}"#)
                #expect(rotated.status == .ok)
                let refresh2 = try #require(rotated.object["refresh_token"] as? String)
                #expect(refresh2 != refresh1)
                // The spent token comes back: someone holds a copy. The whole family goes.
                let reuse = try await client.json(.post, "/api/auth/tokens/refresh", #"{"refresh_token":"\#(refresh1)"}"#)
                #expect(reuse.status == .unauthorized && reuse.errorCode == "token_reused")
                let afterReuse = try await client.json(.post, "/api/auth/tokens/refresh", #"{"refresh_token":"\#(refresh2)"}"#)
                #expect(afterReuse.status == .unauthorized && afterReuse.errorCode == "invalid_token")
                let store = try await harness.store()
                let events = try await AuditLog(store: store).events().map(\.event)
                await store.close()
                #expect(events.contains("refresh_token_reused"))
            }
        }
    }

    /// `alg: none`, an HMAC token keyed with the public key, an unknown `kid`, a wrong audience
    /// and an expired token are all refused.
    @Test func forgedAccessTokensAreRefused() async throws {
        let secrets = AuthSecrets(secret: Array(AuthHarness.secret.utf8))
        let tokens = AccessTokens(secrets: secrets, lifetime: 60)
        let good = try await tokens.issue(userID: "u1")
        #expect(try await tokens.verify(good) == "u1")

        func segment(_ object: [String: Any]) throws -> String {
            SecureToken.base64URL(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
        }
        let now = Int(Date().timeIntervalSince1970)
        let claims: [String: Any] = ["sub": "admin", "iss": "lectern", "aud": ["lectern-api"], "exp": now + 600, "iat": now, "jti": "x"]
        let payload = try segment(claims)
        let none = try segment(["alg": "none", "typ": "JWT"]) + "." + payload + "."
        await #expect(throws: AccessTokens.Failure.algorithmNotAllowed("none")) { try await tokens.verify(none) }

        let publicKey = secrets.current.signing.publicKey.rawRepresentation
        let hsHeader = try segment(["alg": "HS256", "typ": "JWT", "kid": secrets.current.id])
        let mac = HMAC<SHA256>.authenticationCode(for: Data((hsHeader + "." + payload).utf8), using: SymmetricKey(data: publicKey))
        let confused = hsHeader + "." + payload + "." + SecureToken.base64URL(Data(mac))
        await #expect(throws: AccessTokens.Failure.algorithmNotAllowed("HS256")) { try await tokens.verify(confused) }

        let stranger = AccessTokens(secrets: AuthSecrets(secret: Array(String(repeating: "k", count: 32).utf8)))
        let foreign = try await stranger.issue(userID: "admin")
        await #expect(throws: AccessTokens.Failure.invalid) { try await tokens.verify(foreign) }

        let keys = JWTKeyCollection()
        await keys.add(eddsa: EdDSA.PrivateKey(backing: secrets.current.signing), kid: JWKIdentifier(string: secrets.current.id))
        let expired = try await keys.sign(AccessTokens.Claims(
            sub: .init(value: "u1"), iss: .init(value: "lectern"), aud: .init(value: ["lectern-api"]),
            exp: .init(value: Date(timeIntervalSinceNow: -5)), iat: .init(value: Date(timeIntervalSinceNow: -65)), jti: .init(value: "e")),
            kid: JWKIdentifier(string: secrets.current.id))
        await #expect(throws: AccessTokens.Failure.invalid) { try await tokens.verify(expired) }
        let otherAudience = try await keys.sign(AccessTokens.Claims(
            sub: .init(value: "u1"), iss: .init(value: "lectern"), aud: .init(value: ["someone-else"]),
            exp: .init(value: Date(timeIntervalSinceNow: 60)), iat: .init(value: Date()), jti: .init(value: "a")),
            kid: JWKIdentifier(string: secrets.current.id))
        await #expect(throws: AccessTokens.Failure.invalid) { try await tokens.verify(otherAudience) }

        // Key rotation: tokens signed under the previous secret verify until they expire.
        let rotated = AccessTokens(secrets: AuthSecrets(secret: Array(String(repeating: "n", count: 32).utf8), previous: [Array(AuthHarness.secret.utf8)]))
        #expect(try await rotated.verify(good) == "u1")
    }

    @Test func tenFailedSignInsLockTheAccountUntilAReset() async throws {
        try await FunctionTestSupport.withDatabase(.sqlite) { database in
            let harness = try AuthHarness(database: database)
            try await harness.app().test(.router) { client in
                _ = try await client.newAccount(harness, email: "locked@example.com")
                for _ in 0..<10 {
                    let wrong = try await client.json(.post, "/api/auth/signin", #"{"email":"locked@example.com","password":"guess guess guess"}"#)
                    #expect(wrong.status == .unauthorized)
                }
                let right = try await client.json(.post, "/api/auth/signin", #"{"email":"locked@example.com","password":"correct horse battery"}"#)
                #expect(right.status == .tooManyRequests && right.errorCode == "account_locked")
                let wait = Int(right.headers[.retryAfter] ?? "") ?? 0
                #expect(wait > 0 && wait <= 900)
                // The same answer for an address without an account: no enumeration by lock-out.
                for _ in 0..<10 { _ = try await client.json(.post, "/api/auth/signin", #"{"email":"ghost@example.com","password":"guess guess guess"}"#) }
                #expect(try await client.json(.post, "/api/auth/signin", #"{"email":"ghost@example.com","password":"guess guess guess"}"#).errorCode == "account_locked")

                _ = try await client.json(.post, "/api/auth/password/forgot", #"{"email":"locked@example.com"}"#)
                let token = try #require(try harness.token(to: "locked@example.com", path: "/account/reset/"))
                #expect(try await client.json(.post, "/api/auth/password/reset", #"{"token":"\#(token)","new_password":"a brand new phrase"}"#).status == .ok)
                _ = try await client.signIn(email: "locked@example.com", password: "a brand new phrase")
            }
        }
    }

    /// Limits live in the store: two processes of the function share them.
    @Test(arguments: FunctionTestSupport.backends)
    func limitsHoldAcrossProcesses(_ backend: FunctionTestSupport.Backend) async throws {
        try await FunctionTestSupport.withDatabase(backend) { database in
            let harness = try AuthHarness(database: database)
            let one = try await harness.app()
            let two = try await harness.app()
            try await one.test(.router) { first in
                try await two.test(.router) { second in
                    for index in 0..<10 {
                        let client: any TestClientProtocol = index % 2 == 0 ? first : second
                        let response = try await client.json(.post, "/api/auth/signup", #"{"email":"crowd\#(index)@example.com","password":"correct horse battery"}"#)
                        #expect(response.status == .accepted)
                    }
                    let over = try await second.json(.post, "/api/auth/signup", #"{"email":"crowd10@example.com","password":"correct horse battery"}"#)
                    #expect(over.status == .tooManyRequests)
                    #expect(Int(over.headers[.retryAfter] ?? "") ?? 0 > 0)
                    #expect(try await first.json(.post, "/api/auth/signup", #"{"email":"crowd11@example.com","password":"correct horse battery"}"#).status == .tooManyRequests)
                }
            }
        }
    }

    @Test(arguments: FunctionTestSupport.backends)
    func rolesGateTheSecurityLog(_ backend: FunctionTestSupport.Backend) async throws {
        try await FunctionTestSupport.withDatabase(backend) { database in
            let harness = try AuthHarness(database: database)
            try await harness.app().test(.router) { client in
                let student = try await client.newAccount(harness, email: "student@example.com")
                let denied = try await client.json(.get, "/api/auth/admin/audit", headers: student.cookieOnly)
                #expect(denied.status == .forbidden && denied.errorCode == "forbidden")
                #expect(try await client.json(.get, "/api/auth/admin/audit").status == .unauthorized)

                let store = try await harness.store()
                let admin = UserAdmin(store: store)
                #expect(try await admin.grant(.admin, to: "Student@Example.com") == [.student, .admin])
                // A role change is a privilege change: the old session is gone.
                #expect(try await client.json(.get, "/api/auth/session", headers: student.cookieOnly).status == .unauthorized)
                let promoted = try await client.signIn(email: "student@example.com", password: "correct horse battery")
                let log = try await client.json(.get, "/api/auth/admin/audit?limit=50", headers: promoted.cookieOnly)
                #expect(log.status == .ok)
                let events = try #require(log.object["events"] as? [[String: Any]]).compactMap { $0["event"] as? String }
                for expected in ["signup", "email_verified", "signin", "role_granted"] { #expect(events.contains(expected), "\(expected)") }
                #expect(try await client.json(.get, "/api/auth/admin/audit?limit=0", headers: promoted.cookieOnly).errorField == "limit")

                let caller = Caller(userID: "u", email: nil, name: nil, roles: [.student, .author], credential: .accessToken)
                #expect(throws: Never.self) { try caller.require(.author) }
                #expect(throws: (any Error).self) { try caller.require(.admin) }
                #expect(throws: (any Error).self) { try caller.requireOwner(of: "someone-else") }

                try await admin.setDisabled(true, "student@example.com")
                #expect(try await client.json(.get, "/api/auth/session", headers: promoted.cookieOnly).status == .unauthorized)
                #expect(try await client.json(.post, "/api/auth/signin", #"{"email":"student@example.com","password":"correct horse battery"}"#).errorCode == "account_disabled")
                await #expect(throws: UserAdmin.Failure.noSuchUser("nobody@example.com")) { try await admin.grant(.author, to: "nobody@example.com") }
                await store.close()
            }
        }
    }

    @Test(arguments: FunctionTestSupport.backends)
    func exportAndDeleteMyAccount(_ backend: FunctionTestSupport.Backend) async throws {
        try await FunctionTestSupport.withDatabase(backend) { database in
            let harness = try AuthHarness(database: database)
            try await harness.app().test(.router) { client in
                let browser = try await client.newAccount(harness, email: "gone@example.com")
                let export = try await client.json(.get, "/api/auth/export", headers: browser.cookieOnly)
                #expect(export.status == .ok)
                #expect(export.headers[.contentDisposition]?.contains("attachment") == true)
                let text = String(buffer: export.body)
                #expect(text.contains("gone@example.com") && text.contains("\"sessions\"") && text.contains("\"security_log\""))
                #expect(!text.contains("lectern1$") && !text.contains("password_hash") && !text.contains("token_hash"))
                // Other functions' tables appear when they exist (the auth function alone has none).
                #expect(!text.contains("\"generations\""))

                let wrong = try await client.json(.delete, "/api/auth/account", #"{"password":"nope nope nope"}"#, headers: browser.headers)
                #expect(wrong.status == .unauthorized && wrong.errorField == "password")
                let deleted = try await client.json(.delete, "/api/auth/account", #"{"password":"correct horse battery"}"#, headers: browser.headers)
                #expect(deleted.status == .noContent)
                #expect(deleted.headers[values: .setCookie].contains { $0.hasPrefix("lectern_session=;") })
                #expect(try await client.json(.get, "/api/auth/session", headers: browser.cookieOnly).status == .unauthorized)

                let store = try await harness.store()
                let remaining = try await store.withDatabase { db in
                    (try await db.raw("SELECT COUNT(*) AS n FROM users").first()?.decode(column: "n", as: Int.self),
                     try await db.raw("SELECT COUNT(*) AS n FROM sessions").first()?.decode(column: "n", as: Int.self),
                     try await db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE ip IS NOT NULL").first()?.decode(column: "n", as: Int.self),
                     try await db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE event = 'account_deleted'").first()?.decode(column: "n", as: Int.self))
                }
                await store.close()
                #expect(remaining.0 == 0 && remaining.1 == 0, "personal data removed")
                #expect(remaining.2 == 0, "the kept security log holds no addresses")
                #expect(remaining.3 == 1)
                // The address is free again.
                _ = try await client.newAccount(harness, email: "gone@example.com")
            }
        }
    }
}
