import Foundation
import OpenIDConnect
import Testing

/// Each check of the ID token, failed on its own by an otherwise honest token.
@Suite("ID token rejections")
struct IDTokenRejectionTests {
    @Test("A token signed by another key under the real key's id is refused")
    func wrongKey() async throws {
        try await FakeProviderSession.run(.google) { session in
            await session.state.issueTokens(signedWith: .key(.forger))
            await #expect(throws: OIDCError.invalidSignature) { try await session.signIn() }
        }
    }

    @Test(
        "A token whose alg does not fit the key its kid names is refused",
        arguments: [FakeOpenIDProvider.Style.google, .microsoft]
    )
    func algorithmNotOfKey(style: FakeOpenIDProvider.Style) async throws {
        // Google's keys name their alg, Microsoft's do not: both paths must refuse.
        try await FakeProviderSession.run(style) { session in
            await session.state.publish([.primary, .elliptic])
            await session.state.issueTokens(signedWith: .keyUnderID(.elliptic, kid: TestSigningKey.primary.kid))
            await #expect(throws: OIDCError.keyAlgorithmMismatch(keyID: TestSigningKey.primary.kid, tokenAlgorithm: "ES256")) {
                try await session.signIn()
            }
        }
    }

    @Test("alg: none is refused")
    func unsignedToken() async throws {
        try await FakeProviderSession.run(.google) { session in
            await session.state.issueTokens(signedWith: .unsigned(kid: TestSigningKey.primary.kid))
            await #expect(throws: OIDCError.disallowedAlgorithm("none")) { try await session.signIn() }
        }
    }

    @Test("HS256 keyed with the provider's public key is refused (algorithm confusion)")
    func algorithmConfusion() async throws {
        // Microsoft publishes keys without `alg`, where jwt-kit would take the token's word for it.
        try await FakeProviderSession.run(.microsoft) { session in
            await session.state.issueTokens(signedWith: .hmacWithPublicKey(.primary))
            await #expect(throws: OIDCError.disallowedAlgorithm("HS256")) { try await session.signIn() }
        }
    }

    @Test("Another issuer is refused")
    func wrongIssuer() async throws {
        try await FakeProviderSession.run(.google) { session in
            await session.state.issueTokens { $0.iss = "https://accounts.example.com" }
            await #expect(throws: OIDCError.issuerMismatch(expected: session.baseURL, actual: "https://accounts.example.com")) {
                try await session.signIn()
            }
        }
    }

    @Test("A Microsoft issuer naming another tenant than tid is refused")
    func microsoftTenantMismatch() async throws {
        try await FakeProviderSession.run(.microsoft) { session in
            let otherTenant = "\(session.baseURL)/00000000-0000-0000-0000-000000000bad/v2.0"
            await session.state.issueTokens { $0.iss = otherTenant }
            await #expect(throws: OIDCError.issuerTenantMismatch(issuer: otherTenant, tenantID: FakeOpenIDProvider.tenantID)) {
                try await session.signIn()
            }
        }
    }

    @Test("A Microsoft token without tid is refused")
    func microsoftMissingTenant() async throws {
        try await FakeProviderSession.run(.microsoft) { session in
            await session.state.issueTokens { $0.tid = nil }
            await #expect(throws: OIDCError.missingClaim("tid")) { try await session.signIn() }
        }
    }

    @Test("A token for another client is refused")
    func wrongAudience() async throws {
        try await FakeProviderSession.run(.google) { session in
            await session.state.issueTokens {
                $0.aud = ["someone-else.apps.example"]
                $0.azp = nil
            }
            await #expect(throws: OIDCError.audienceMismatch) { try await session.signIn() }
        }
    }

    @Test("Several audiences need azp to name this client")
    func severalAudiences() async throws {
        try await FakeProviderSession.run(.google) { session in
            await session.state.issueTokens {
                $0.aud = [FakeOpenIDProvider.clientID, "someone-else.apps.example"]
                $0.azp = nil
            }
            await #expect(throws: OIDCError.authorizedPartyMismatch) { try await session.signIn() }

            await session.state.issueTokens {
                $0.aud = [FakeOpenIDProvider.clientID, "someone-else.apps.example"]
                $0.azp = "someone-else.apps.example"
            }
            await #expect(throws: OIDCError.authorizedPartyMismatch) { try await session.signIn() }

            await session.state.issueTokens { $0.aud = [FakeOpenIDProvider.clientID, "someone-else.apps.example"] }
            let identity = try await session.signIn()
            #expect(identity.subject == "110169484474386276334")
        }
    }

    @Test("An expired token is refused; one within the clock skew is accepted")
    func expired() async throws {
        try await FakeProviderSession.run(.google) { session in
            let expiry = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) - 120)
            await session.state.issueTokens { $0.exp = expiry }
            await #expect(throws: OIDCError.expired(at: expiry)) { try await session.signIn() }

            await session.state.issueTokens { $0.exp = Date().addingTimeInterval(-20) }
            try await session.signIn()
        }
    }

    @Test("A token without iat, or issued in the future, is refused")
    func issuedAt() async throws {
        try await FakeProviderSession.run(.google) { session in
            await session.state.issueTokens { $0.iat = nil }
            await #expect(throws: OIDCError.missingClaim("iat")) { try await session.signIn() }

            await session.state.issueTokens { $0.iat = Date().addingTimeInterval(600) }
            await #expect(throws: OIDCError.notYetValid(claim: "iat")) { try await session.signIn() }
        }
    }

    @Test("A nonce other than this sign-in's is refused")
    func nonceMismatch() async throws {
        try await FakeProviderSession.run(.google) { session in
            await #expect(throws: OIDCError.nonceMismatch) {
                try await session.signIn(expectedNonce: "nonce-of-another-sign-in")
            }
            await session.state.issueTokens { $0.nonce = nil }
            await #expect(throws: OIDCError.missingClaim("nonce")) { try await session.signIn() }
        }
    }

    @Test("A discovery document naming another issuer is refused")
    func discoveryIssuerMismatch() async throws {
        try await FakeProviderSession.run(.google) { session in
            // Same server, other spelling: the document says 127.0.0.1.
            let configured = session.baseURL.replacingOccurrences(of: "127.0.0.1", with: "localhost")
            let client = OIDCClient(
                provider: OIDCProviderConfig(
                    id: "google", name: "Google", issuer: configured,
                    clientID: FakeOpenIDProvider.clientID, clientSecret: FakeOpenIDProvider.clientSecret
                ),
                httpClient: .shared
            )
            await #expect(throws: OIDCError.discoveryIssuerMismatch(configured: configured, discovered: session.baseURL)) {
                try await client.authorizationRequest(redirectURI: FakeProviderSession.redirectURI)
            }
        }
    }

    @Test("Error messages name the failed check and carry no secret")
    func errorMessages() async throws {
        try await FakeProviderSession.run(.google) { session in
            let request = try await session.client.authorizationRequest(redirectURI: FakeProviderSession.redirectURI)
            let code = try await session.consent(to: request)
            let rejected = await #expect(throws: OIDCError.self) {
                try await session.client.finish(
                    code: code, codeVerifier: "wrong-verifier-wrong-verifier-wrong-verifier",
                    redirectURI: FakeProviderSession.redirectURI, expectedNonce: request.nonce
                )
            }
            await session.state.issueTokens(signedWith: .key(.forger))
            let forged = await #expect(throws: OIDCError.self) { try await session.signIn() }

            let messages = [rejected, forged].compactMap { $0.map(String.init(describing:)) }
            #expect(messages.count == 2)
            #expect(messages[0].contains("invalid_grant"))
            #expect(messages[1].contains("signature"))
            for message in messages {
                for secret in [FakeOpenIDProvider.clientSecret, code, request.codeVerifier, request.nonce, "eyJ"] {
                    #expect(!message.contains(secret))
                }
            }
        }
    }
}
