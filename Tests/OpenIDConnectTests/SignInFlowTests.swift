import Crypto
import Foundation
import OpenIDConnect
import Testing

@Suite("Sign-in against a fake provider")
struct SignInFlowTests {
    @Test("Google-style sign-in returns the identity of a verified token")
    func googleSignIn() async throws {
        try await FakeProviderSession.run(.google) { session in
            let identity = try await session.signIn()
            #expect(
                identity
                    == IdentityClaims(
                        issuer: session.baseURL, subject: "110169484474386276334", email: "ada@example.com",
                        emailVerified: true, name: "Ada Lovelace", tenantID: nil
                    )
            )
            // A second sign-in reuses the cached discovery document and keys.
            try await session.signIn()
            #expect(await session.state.discoveryFetches == 1)
            #expect(await session.state.keySetFetches == 1)
        }
    }

    @Test("Microsoft-style sign-in checks iss against the tenant template and returns tid")
    func microsoftSignIn() async throws {
        try await FakeProviderSession.run(.microsoft) { session in
            let identity = try await session.signIn()
            #expect(identity.issuer == "\(session.baseURL)/\(FakeOpenIDProvider.tenantID)/v2.0")
            #expect(identity.tenantID == FakeOpenIDProvider.tenantID)
            // Microsoft's v2.0 tokens carry no email_verified.
            #expect(identity.email == "ada@example.com")
            #expect(identity.emailVerified == false)
        }
    }

    @Test("An ES256 token verifies with the provider's P-256 key")
    func ellipticSignature() async throws {
        try await FakeProviderSession.run(.google) { session in
            await session.state.publish([.primary, .elliptic])
            await session.state.issueTokens(signedWith: .key(.elliptic))
            let identity = try await session.signIn()
            #expect(identity.subject == "110169484474386276334")
        }
    }

    @Test("The authorization URL asks for a code with PKCE S256, scopes, state and nonce")
    func authorizationRequest() async throws {
        try await FakeProviderSession.run(.google) { session in
            let request = try await session.client.authorizationRequest(redirectURI: FakeProviderSession.redirectURI)
            let url = try #require(URLComponents(string: request.url))
            let query = Dictionary(uniqueKeysWithValues: (url.queryItems ?? []).map { ($0.name, $0.value ?? "") })
            let challenge = base64URL(Array(SHA256.hash(data: Data(request.codeVerifier.utf8))))
            #expect(url.path == "/authorize")
            #expect(
                query == [
                    "response_type": "code", "client_id": FakeOpenIDProvider.clientID,
                    "redirect_uri": FakeProviderSession.redirectURI, "scope": "openid email profile",
                    "state": request.state, "nonce": request.nonce,
                    "code_challenge": challenge, "code_challenge_method": "S256",
                ]
            )
            // 32 random bytes in base64url: 43 characters, RFC 7636's minimum verifier length.
            let alphabet = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            for secret in [request.state, request.nonce, request.codeVerifier] {
                #expect(secret.count >= 43)
                #expect(secret.unicodeScalars.allSatisfy(alphabet.contains))
            }
            let another = try await session.client.authorizationRequest(redirectURI: FakeProviderSession.redirectURI)
            #expect(Set([request.state, request.nonce, request.codeVerifier, another.state, another.nonce, another.codeVerifier]).count == 6)

            _ = try await session.consent(to: request)
            #expect(await session.state.lastGrant?.codeChallenge == challenge)
        }
    }

    @Test("A code redeemed with another PKCE verifier is refused by the provider")
    func wrongCodeVerifier() async throws {
        try await FakeProviderSession.run(.google) { session in
            await #expect(throws: OIDCError.tokenRequestRejected(status: 400, error: "invalid_grant")) {
                try await session.signIn(codeVerifier: String(repeating: "A", count: 43))
            }
        }
    }

    @Test("A token signed by a new key makes the client fetch the key set once more")
    func keyRotation() async throws {
        try await FakeProviderSession.run(.microsoft) { session in
            try await session.signIn()
            #expect(await session.state.keySetFetches == 1)

            await session.state.publish([.rotated])
            await session.state.issueTokens(signedWith: .key(.rotated))
            try await session.signIn()
            #expect(await session.state.keySetFetches == 2)

            try await session.signIn()
            #expect(await session.state.keySetFetches == 2)
        }
    }

    @Test("A key id missing even from a fresh key set is refused after one refetch")
    func unknownKeyID() async throws {
        try await FakeProviderSession.run(.google) { session in
            await session.state.issueTokens(signedWith: .key(.rotated))
            await #expect(throws: OIDCError.unknownKeyID(TestSigningKey.rotated.kid)) {
                try await session.signIn()
            }
            // At most one fetch per sign-in: on a cold cache the first fetch is also the retry.
            #expect(await session.state.keySetFetches == 1)
            await #expect(throws: OIDCError.unknownKeyID(TestSigningKey.rotated.kid)) {
                try await session.signIn()
            }
            #expect(await session.state.keySetFetches == 2)
        }
    }

    @Test(
        "email_verified is true only when the provider says true, as a bool or a string",
        arguments: [
            (FakeIDTokenClaims.Flag.bool(true), true), (.string("true"), true), (.string("TRUE"), true),
            (.bool(false), false), (.string("false"), false), (.string("yes"), false),
        ]
    )
    func emailVerified(flag: FakeIDTokenClaims.Flag, verified: Bool) async throws {
        try await FakeProviderSession.run(.google) { session in
            await session.state.issueTokens { $0.emailVerified = flag }
            let identity = try await session.signIn()
            #expect(identity.emailVerified == verified)
        }
    }

    @Test("An absent email_verified reads as not verified")
    func emailVerifiedAbsent() async throws {
        try await FakeProviderSession.run(.google) { session in
            await session.state.issueTokens { $0.emailVerified = nil }
            let identity = try await session.signIn()
            #expect(identity.emailVerified == false)
        }
    }
}
