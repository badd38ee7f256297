import Foundation
import JWTKit

/// The claims of an ID token, all optional so a missing one is reported by name
/// (``OIDCError/missingClaim(_:)``) rather than as an unreadable token.
struct IDTokenPayload: JWTPayload {
    var issuer: String?
    var subject: String?
    var audience: AudienceClaim?
    var authorizedParty: String?
    var expires: ExpirationClaim?
    var issuedAt: IssuedAtClaim?
    var notBefore: NotBeforeClaim?
    var nonce: String?
    var email: String?
    var emailVerified: EmailVerified?
    var name: String?
    var tenantID: String?

    enum CodingKeys: String, CodingKey {
        case issuer = "iss"
        case subject = "sub"
        case audience = "aud"
        case authorizedParty = "azp"
        case expires = "exp"
        case issuedAt = "iat"
        case notBefore = "nbf"
        case nonce, email, name
        case emailVerified = "email_verified"
        case tenantID = "tid"
    }

    /// Does nothing: the claim checks need this sign-in's nonce and client id, which jwt-kit
    /// cannot pass here, so ``IDTokenVerifier`` makes them once the signature holds.
    func verify(using _: some JWTAlgorithm) async throws {}
}

extension IDTokenPayload {
    /// `email_verified` as providers send it: Google a JSON bool, others the string `"true"`.
    /// Anything else, including values this code does not recognise, reads as not verified.
    struct EmailVerified: Codable, Equatable {
        var value: Bool

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let bool = try? container.decode(Bool.self) {
                value = bool
            } else if let text = try? container.decode(String.self) {
                value = text.lowercased() == "true"
            } else {
                value = false
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(value)
        }
    }
}
