import Foundation
import JWTKit

/// Checks an ID token as OpenID Connect Core §3.1.3.7 asks: an allowed algorithm, a signature
/// by the provider's published key, then issuer, audience, lifetime and nonce.
struct IDTokenVerifier: Sendable {
    /// Only asymmetric algorithms: `none` would accept anything, and an HMAC algorithm would let
    /// anyone who has the public key (everyone) forge a token with it as the secret.
    static let allowedAlgorithms: Set<String> = ["RS256", "ES256"]
    /// Clock skew tolerated between this server and the provider.
    static let clockSkew: TimeInterval = 60

    var clientID: String
    var issuerPolicy: OIDCProviderConfig.IssuerPolicy
    /// The discovery document's issuer; a `{tenantid}` template under the multi-tenant policy.
    var discoveredIssuer: String

    /// Verifies `idToken` and returns who it identifies.
    /// - Parameters:
    ///   - keys: Returns a key collection holding the given key id, or throws.
    ///   - now: The current time; a parameter so tests can move the clock.
    func verify(
        _ idToken: String, expectedNonce: String, now: Date = Date(),
        keys: (String) async throws(OIDCError) -> JWTKeyCollection
    ) async throws(OIDCError) -> IdentityClaims {
        let header = try Self.header(of: idToken)
        guard let algorithm = header.alg, Self.allowedAlgorithms.contains(algorithm) else {
            throw .disallowedAlgorithm(header.alg ?? "")
        }
        guard let keyID = header.kid else { throw .missingKeyID }
        let collection = try await keys(keyID)
        let payload = try await Self.verifySignature(of: idToken, keyID: keyID, algorithm: algorithm, with: collection)
        return try claims(from: payload, expectedNonce: expectedNonce, now: now)
    }

    /// The claim checks, once the signature is known to be the provider's.
    func claims(from payload: IDTokenPayload, expectedNonce: String, now: Date) throws(OIDCError) -> IdentityClaims {
        guard let issuer = payload.issuer else { throw .missingClaim("iss") }
        try checkIssuer(issuer, tenantID: payload.tenantID)

        guard let audience = payload.audience?.value else { throw .missingClaim("aud") }
        guard audience.contains(clientID) else { throw .audienceMismatch }
        // Core §3.1.3.7 items 4–5: with several audiences the token must say it was issued to
        // us; when azp is there at all it must be us.
        if audience.count > 1, payload.authorizedParty == nil { throw .authorizedPartyMismatch }
        if let party = payload.authorizedParty, party != clientID { throw .authorizedPartyMismatch }

        guard let expires = payload.expires?.value else { throw .missingClaim("exp") }
        guard now < expires.addingTimeInterval(Self.clockSkew) else { throw .expired(at: expires) }
        guard let issuedAt = payload.issuedAt?.value else { throw .missingClaim("iat") }
        guard issuedAt <= now.addingTimeInterval(Self.clockSkew) else { throw .notYetValid(claim: "iat") }
        if let notBefore = payload.notBefore?.value, notBefore > now.addingTimeInterval(Self.clockSkew) {
            throw .notYetValid(claim: "nbf")
        }

        guard let nonce = payload.nonce else { throw .missingClaim("nonce") }
        guard !expectedNonce.isEmpty, nonce == expectedNonce else { throw .nonceMismatch }
        guard let subject = payload.subject, !subject.isEmpty else { throw .missingClaim("sub") }

        return IdentityClaims(
            issuer: issuer, subject: subject, email: payload.email,
            emailVerified: payload.emailVerified?.value ?? false, name: payload.name, tenantID: payload.tenantID
        )
    }

    private func checkIssuer(_ issuer: String, tenantID: String?) throws(OIDCError) {
        switch issuerPolicy {
        case .exact:
            guard issuer == discoveredIssuer else { throw .issuerMismatch(expected: discoveredIssuer, actual: issuer) }
        case .microsoftMultiTenant:
            guard let tenantID, !tenantID.isEmpty else { throw .missingClaim("tid") }
            let expected = discoveredIssuer.replacingOccurrences(of: "{tenantid}", with: tenantID)
            guard issuer != expected else { return }
            // Say which check failed: a token of this provider for another tenant, or a stranger.
            let parts = discoveredIssuer.components(separatedBy: "{tenantid}")
            if parts.count == 2, issuer.hasPrefix(parts[0]), issuer.hasSuffix(parts[1]) {
                throw .issuerTenantMismatch(issuer: issuer, tenantID: tenantID)
            }
            throw .issuerMismatch(expected: expected, actual: issuer)
        }
    }

    private struct Header: Decodable {
        var alg: String?
        var kid: String?
    }

    /// Reads the header before any key is chosen: `alg` and `kid` decide what verifies.
    private static func header(of token: String) throws(OIDCError) -> Header {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3 else { throw .malformedIDToken(reason: "it has \(segments.count) parts, not 3") }
        guard let json = Base64URL.decode(segments[0]), let header = try? JSONDecoder().decode(Header.self, from: json) else {
            throw .malformedIDToken(reason: "its header is not base64url-encoded JSON")
        }
        return header
    }

    private static func verifySignature(
        of token: String, keyID: String, algorithm: String, with keys: JWTKeyCollection
    ) async throws(OIDCError) -> IDTokenPayload {
        // jwt-kit picks the signer from the key's own `alg` when the JWK has one, so a key
        // published for one algorithm must not be asked to check a token claiming another.
        let key: any JWTAlgorithm
        do {
            key = try await keys.getKey(for: JWKIdentifier(string: keyID), alg: algorithm)
        } catch {
            throw .keyAlgorithmMismatch(keyID: keyID, tokenAlgorithm: algorithm)
        }
        guard key.name == algorithm else { throw .keyAlgorithmMismatch(keyID: keyID, tokenAlgorithm: algorithm) }
        do {
            return try await keys.verify(token, as: IDTokenPayload.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw .invalidSignature
        } catch {
            // jwt-kit's messages can quote decoder details; keep ours to what failed.
            throw .malformedIDToken(reason: "its signature or claims could not be decoded")
        }
    }
}
