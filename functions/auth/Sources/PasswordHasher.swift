import Accounts
import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix

/// Password hashes: bcrypt over an HMAC-SHA256 of the password keyed with a pepper derived from
/// `AUTH_SECRET`. The HMAC makes every input 44 bytes, so bcrypt's 72-byte limit never cuts a
/// long password short, and a stolen database alone cannot be attacked offline.
///
/// Stored as `lectern1$<key id>$<bcrypt hash>`; the key id picks the pepper, so hashes made
/// before a secret rotation still verify (and are redone under the new secret at sign-in).
struct PasswordHasher: Sendable {
    let secrets: AuthSecrets
    let cost: Int

    static let scheme = "lectern1"

    static func prehash(_ password: String, pepper: SymmetricKey) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data(password.utf8), using: pepper)).base64EncodedString()
    }

    func hash(_ password: String) async throws -> String {
        let keys = secrets.current
        let cost = UInt8(cost)
        let input = Self.prehash(password, pepper: keys.pepper)
        // bcrypt is deliberately slow: keep it off the event loops and the cooperative pool.
        let hashed = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(input, cost: cost) }
        return "\(Self.scheme)$\(keys.id)$\(hashed)"
    }

    struct Verdict: Sendable {
        let matches: Bool
        /// Made under an older secret or a lower cost: store a fresh hash.
        let needsRehash: Bool
    }

    func verify(_ password: String, against stored: String) async throws -> Verdict {
        let parts = stored.split(separator: "$", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == Self.scheme, let keys = secrets.keys(id: String(parts[1])) else {
            return Verdict(matches: false, needsRehash: false)
        }
        let hashed = String(parts[2])
        let input = Self.prehash(password, pepper: keys.pepper)
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(input, hash: hashed) }
        let storedCost = Int(hashed.split(separator: "$").dropFirst().first ?? "") ?? 0
        return Verdict(matches: matches, needsRehash: matches && (keys.id != secrets.current.id || storedCost < cost))
    }

    /// The same work as a real check, for accounts that do not exist: an unknown address must
    /// not answer faster than a known one.
    func verifyNothing(_ password: String) async throws {
        _ = try await verify(password, against: dummyHash)
    }

    var dummyHash: String {
        "\(Self.scheme)$\(secrets.current.id)$" + "$2b$" + String(format: "%02d", cost) + "$" + String(repeating: "a", count: 53)
    }
}
