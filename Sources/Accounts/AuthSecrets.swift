import Crypto
import Foundation
import FunctionKit

/// The keys of the accounts system, all derived (HKDF-SHA256) from one secret, `AUTH_SECRET`, so
/// an operator has one value to keep safe and to rotate. `AUTH_SECRET_PREVIOUS` (comma-separated)
/// keeps older secrets readable during a rotation: tokens signed, passwords peppered and 2FA keys
/// sealed under them still verify, and are re-done under the current secret when next used.
///
/// In development a missing secret is created once in `.lectern/dev-auth-secret`, so `make run`
/// needs no setup; outside development a missing or short secret is a configuration error.
public struct AuthSecrets: Sendable {
    /// The keys derived from one secret; `id` tells them apart in stored values and token headers.
    public struct KeySet: Sendable {
        public let id: String
        /// HMAC key that pre-hashes passwords before bcrypt (a pepper the database does not hold).
        public let pepper: SymmetricKey
        /// AES-GCM key that seals TOTP secrets at rest.
        public let sealing: SymmetricKey
        /// Ed25519 key that signs API access tokens.
        public let signing: Curve25519.Signing.PrivateKey
    }

    public let current: KeySet
    public let previous: [KeySet]

    public var all: [KeySet] { [current] + previous }

    public func keys(id: String) -> KeySet? { all.first { $0.id == id } }

    public init(secret: [UInt8], previous: [[UInt8]] = []) {
        self.current = Self.derive(secret)
        self.previous = previous.map(Self.derive)
    }

    static func derive(_ secret: [UInt8]) -> KeySet {
        let master = SymmetricKey(data: secret)
        func key(_ label: String) -> SymmetricKey {
            HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data("lectern \(label)".utf8), outputByteCount: 32)
        }
        let id = key("key id").withUnsafeBytes { Data($0.prefix(4)) }.map { String(format: "%02x", $0) }.joined()
        let seed = key("jwt signing").withUnsafeBytes { Data($0) }
        // A 32-byte seed is always a valid Ed25519 private key.
        let signing = try! Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        return KeySet(id: id, pepper: key("password pepper"), sealing: key("totp sealing"), signing: signing)
    }

    /// Reads `AUTH_SECRET` (at least 32 bytes: hex, base64, or any text of 32+ characters).
    public static func from(_ config: FunctionConfig, developmentFile: String = ".lectern/dev-auth-secret") throws -> AuthSecrets {
        let environment = config.environment
        let previous = try (environment["AUTH_SECRET_PREVIOUS"] ?? "").split(separator: ",").map {
            try decode(String($0).trimmingCharacters(in: .whitespaces), variable: "AUTH_SECRET_PREVIOUS")
        }
        if let text = environment["AUTH_SECRET"], !text.isEmpty {
            return AuthSecrets(secret: try decode(text, variable: "AUTH_SECRET"), previous: previous)
        }
        guard config.mode == .development else {
            throw FunctionConfig.Invalid(variable: "AUTH_SECRET",
                                         message: "is required outside development: set it to 32 or more random bytes, e.g. `openssl rand -hex 32`")
        }
        return AuthSecrets(secret: try developmentSecret(at: developmentFile), previous: previous)
    }

    static func decode(_ text: String, variable: String) throws -> [UInt8] {
        if text.count >= 64, text.count % 2 == 0, text.allSatisfy(\.isHexDigit) {
            var bytes: [UInt8] = []
            var index = text.startIndex
            while index < text.endIndex {
                let next = text.index(index, offsetBy: 2)
                bytes.append(UInt8(text[index..<next], radix: 16)!)
                index = next
            }
            return bytes
        }
        let bytes = Array(text.utf8)
        guard bytes.count >= 32 else {
            throw FunctionConfig.Invalid(variable: variable, message: "is too short: use 32 or more random bytes, e.g. `openssl rand -hex 32`")
        }
        return bytes
    }

    /// One random secret per checkout, created on first use and kept (mode 600), so sessions
    /// survive restarts of `make run`.
    static func developmentSecret(at path: String) throws -> [UInt8] {
        if let text = try? String(contentsOfFile: path, encoding: .utf8), let bytes = try? decode(text.trimmingCharacters(in: .whitespacesAndNewlines), variable: path) {
            return bytes
        }
        let hex = SecureToken.randomBytes(32).map { String(format: "%02x", $0) }.joined()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let temporary = path + ".\(getpid())"
        FileManager.default.createFile(atPath: temporary, contents: Data(hex.utf8), attributes: [.posixPermissions: 0o600])
        // Two functions starting together may both create one: link() succeeds for the first
        // only, and both then read the file back so they agree.
        _ = link(temporary, path)
        unlink(temporary)
        let stored = try String(contentsOfFile: path, encoding: .utf8)
        return try decode(stored.trimmingCharacters(in: .whitespacesAndNewlines), variable: path)
    }
}
