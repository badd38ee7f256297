import Foundation

/// Why a sign-in could not be completed; each case names the step or check that failed.
///
/// Messages may carry URLs, claim names, issuers and key ids, which are public, but never a
/// token, a code, a verifier or a secret, so they are safe to log.
public enum OIDCError: Error, Equatable, Sendable {
    /// The discovery document could not be fetched or read.
    case discoveryFailed(url: String, reason: String)
    /// The discovery document names another issuer than the one configured.
    case discoveryIssuerMismatch(configured: String, discovered: String)
    /// The JSON Web Key Set could not be fetched or read.
    case keySetFailed(url: String, reason: String)
    /// The token endpoint could not be reached or sent something unreadable.
    case tokenRequestFailed(url: String, reason: String)
    /// The token endpoint refused the code, with the OAuth `error` code it gave (`invalid_grant`).
    case tokenRequestRejected(status: Int, error: String?)
    /// The token response had no `id_token` (was `openid` left out of the scopes?).
    case missingIDToken
    /// The ID token is not a well-formed JWT.
    case malformedIDToken(reason: String)
    /// The token's `alg` is not on the allow-list (this covers `none` and HMAC algorithms).
    case disallowedAlgorithm(String)
    /// The token's header has no `kid`, so the key that signed it cannot be chosen.
    case missingKeyID
    /// No key in the provider's key set has the token's `kid`, even after fetching it again.
    case unknownKeyID(String)
    /// The key named by `kid` is not a key for the token's `alg` (an RSA key and ES256, say).
    case keyAlgorithmMismatch(keyID: String, tokenAlgorithm: String)
    /// The signature does not verify with the provider's key.
    case invalidSignature
    /// A claim the check needs is absent.
    case missingClaim(String)
    /// `iss` is not the provider's issuer.
    case issuerMismatch(expected: String, actual: String)
    /// `iss` names another Microsoft tenant than the token's own `tid`.
    case issuerTenantMismatch(issuer: String, tenantID: String)
    /// `aud` does not contain this site's client id.
    case audienceMismatch
    /// `azp` is present or required (several audiences) and is not this site's client id.
    case authorizedPartyMismatch
    /// `exp` has passed, beyond the allowed clock skew.
    case expired(at: Date)
    /// `iat` or `nbf` lies in the future, beyond the allowed clock skew.
    case notYetValid(claim: String)
    /// `nonce` is not the one sent with this sign-in's authorization request.
    case nonceMismatch
}

extension OIDCError: CustomStringConvertible {
    /// What failed and, where the user or operator can act, what to do.
    public var description: String {
        switch self {
        case .discoveryFailed(let url, let reason):
            "Could not read the OpenID discovery document at \(url): \(reason)."
        case .discoveryIssuerMismatch(let configured, let discovered):
            "The discovery document names issuer \(discovered), not the configured \(configured); check the provider's issuer URL."
        case .keySetFailed(let url, let reason):
            "Could not read the provider's signing keys at \(url): \(reason)."
        case .tokenRequestFailed(let url, let reason):
            "Could not exchange the authorization code at \(url): \(reason)."
        case .tokenRequestRejected(let status, let error):
            "The token endpoint refused the authorization code (HTTP \(status)\(error.map { ", \($0)" } ?? "")); check the client secret and redirect URI, then sign in again."
        case .missingIDToken:
            "The token response has no id_token; the request must include the openid scope."
        case .malformedIDToken(let reason):
            "The ID token is malformed: \(reason)."
        case .disallowedAlgorithm(let alg):
            "The ID token is signed with \(alg.isEmpty ? "no algorithm" : alg), which is not allowed (RS256 or ES256 only)."
        case .missingKeyID:
            "The ID token's header has no kid, so its signing key cannot be chosen."
        case .unknownKeyID(let kid):
            "No signing key with kid \(kid) is in the provider's key set, even after fetching it again."
        case .keyAlgorithmMismatch(let kid, let tokenAlgorithm):
            "The provider's key \(kid) is not a key for \(tokenAlgorithm), the ID token's algorithm."
        case .invalidSignature:
            "The ID token's signature does not verify with the provider's key."
        case .missingClaim(let claim):
            "The ID token has no \(claim) claim."
        case .issuerMismatch(let expected, let actual):
            "The ID token was issued by \(actual), not \(expected)."
        case .issuerTenantMismatch(let issuer, let tenantID):
            "The ID token's issuer \(issuer) is not the issuer of its own tenant \(tenantID)."
        case .audienceMismatch:
            "The ID token was issued for another client: aud does not contain this client id."
        case .authorizedPartyMismatch:
            "The ID token's azp is not this client id."
        case .expired(let date):
            "The ID token expired at \(date.formatted(.iso8601)); sign in again."
        case .notYetValid(let claim):
            "The ID token's \(claim) lies in the future; check the server's clock."
        case .nonceMismatch:
            "The ID token's nonce is not the one sent with this sign-in; start the sign-in again."
        }
    }
}
