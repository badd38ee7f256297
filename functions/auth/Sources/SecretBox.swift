import Accounts
import Crypto
import Foundation

/// Seals small secrets (TOTP keys) for storage with AES-256-GCM under a key derived from
/// `AUTH_SECRET`. Sealed text is `v1.<key id>.<base64 nonce+ciphertext+tag>`; the user id is
/// bound as authenticated data, so a sealed value copied to another row does not open.
struct SecretBox: Sendable {
    let secrets: AuthSecrets

    func seal(_ plaintext: String, boundTo context: String) throws -> String {
        let keys = secrets.current
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: keys.sealing, authenticating: Data(context.utf8))
        return "v1.\(keys.id).\(box.combined!.base64EncodedString())"
    }

    func open(_ sealed: String, boundTo context: String) throws -> String {
        let parts = sealed.split(separator: ".", maxSplits: 2)
        guard parts.count == 3, parts[0] == "v1", let keys = secrets.keys(id: String(parts[1])),
              let data = Data(base64Encoded: String(parts[2])) else {
            throw SecretBoxError.unreadable
        }
        let box = try AES.GCM.SealedBox(combined: data)
        let plaintext = try AES.GCM.open(box, using: keys.sealing, authenticating: Data(context.utf8))
        guard let text = String(data: plaintext, encoding: .utf8) else { throw SecretBoxError.unreadable }
        return text
    }
}

enum SecretBoxError: Error {
    case unreadable
}
