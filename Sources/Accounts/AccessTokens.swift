import Foundation
import JWTKit

/// Short-lived API access tokens: JWTs signed with Ed25519 (`EdDSA`), the key named by `kid` so
/// a rotated secret's tokens still verify until they expire. Only `EdDSA` is accepted: a token
/// claiming `none`, an HMAC algorithm (the classic confusion attack, using the public key as an
/// HMAC secret) or anything else is refused before any key is touched.
public struct AccessTokens: Sendable {
    public static let issuer = "lectern"
    public static let audience = "lectern-api"
    public static let allowedAlgorithms: Set<String> = ["EdDSA"]

    public struct Claims: JWTPayload, Equatable {
        public var sub: SubjectClaim
        public var iss: IssuerClaim
        public var aud: AudienceClaim
        public var exp: ExpirationClaim
        public var iat: IssuedAtClaim
        public var jti: IDClaim

        public func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
            try aud.verifyIntendedAudience(includes: AccessTokens.audience)
            guard iss.value == AccessTokens.issuer else {
                throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "not issued by Lectern")
            }
        }
    }

    public enum Failure: Error, Equatable {
        case malformed, algorithmNotAllowed(String), invalid
    }

    public let lifetime: Int
    /// Built once, in the background: jwt-kit's key collection is an actor, filled asynchronously.
    let keys: Task<JWTKeyCollection, Never>
    let currentKeyID: String
    /// jwt-kit falls back to its default key for an unknown `kid`; a token must name one of ours.
    let keyIDs: Set<String>

    public init(secrets: AuthSecrets, lifetime: Int = 15 * 60) {
        self.keys = Task {
            let keys = JWTKeyCollection()
            for set in secrets.all {
                await keys.add(eddsa: EdDSA.PrivateKey(backing: set.signing), kid: JWKIdentifier(string: set.id))
            }
            return keys
        }
        self.currentKeyID = secrets.current.id
        self.keyIDs = Set(secrets.all.map(\.id))
        self.lifetime = lifetime
    }

    public func issue(userID: String, now: Date = Date()) async throws -> String {
        let claims = Claims(
            sub: .init(value: userID), iss: .init(value: Self.issuer), aud: .init(value: [Self.audience]),
            exp: .init(value: now.addingTimeInterval(TimeInterval(lifetime))), iat: .init(value: now),
            jti: .init(value: SecureToken.generate(bytes: 16)))
        return try await keys.value.sign(claims, kid: JWKIdentifier(string: currentKeyID))
    }

    /// The user id of a valid token.
    public func verify(_ token: String) async throws -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = Self.decodeSegment(parts[0]),
              let object = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else {
            throw Failure.malformed
        }
        let algorithm = object["alg"] as? String ?? "none"
        guard Self.allowedAlgorithms.contains(algorithm) else { throw Failure.algorithmNotAllowed(algorithm) }
        guard let kid = object["kid"] as? String, keyIDs.contains(kid), !parts[2].isEmpty else {
            throw Failure.invalid
        }
        do {
            return try await keys.value.verify(token, as: Claims.self).sub.value
        } catch {
            throw Failure.invalid
        }
    }

    static func decodeSegment(_ segment: Substring) -> Data? {
        var text = segment.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return Data(base64Encoded: text)
    }
}
