import Foundation

/// Checks on what the generators write into nginx and systemd files. Values are quoted where
/// the syntax allows; what no quoting makes safe is refused with the option's name — a `$`
/// nginx would read as a variable, a `%` systemd would expand, a `;` or newline that would end
/// the directive and start another.
enum ConfigValue {
    /// An absolute path, without a trailing slash.
    static func path(_ value: String, option: String) throws -> String {
        guard value.hasPrefix("/") else { throw DeployError.unsafe(option, value, "give an absolute path") }
        guard value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/._-+@".contains($0)) }) else {
            throw DeployError.unsafe(option, value, "use only letters, digits and / . _ - + @ in the path")
        }
        var path = value
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }

    /// A host name for `server_name` (`example.com`, `*.example.com`, `_`).
    static func serverName(_ value: String) throws -> String {
        guard !value.isEmpty, value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-*_".contains($0)) }) else {
            throw DeployError.unsafe("--server-name", value, "give a host name such as example.com")
        }
        return value.lowercased()
    }

    /// The argument of nginx's `listen` (`80`, `127.0.0.1:8080`, `[::]:80`, `443 ssl`).
    static func listen(_ value: String) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".:[]_= ".contains($0)) }) else {
            throw DeployError.unsafe("--listen", value, "give a port or address:port such as 80 or 127.0.0.1:8080")
        }
        return trimmed
    }

    /// A function name (`leads`): the socket's, the unit's and the `/api/<name>/` path's.
    static func functionName(_ value: String, option: String) throws -> String {
        guard !value.isEmpty, value.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || "_-".contains($0)) }) else {
            throw DeployError.unsafe(option, value, "a function name is lowercase letters, digits, - and _")
        }
        return value
    }

    /// A Unix user or group name.
    static func account(_ value: String, option: String) throws -> String {
        guard let first = value.first, first.isLetter || first == "_",
              value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }) else {
            throw DeployError.unsafe(option, value, "give a user or group name such as lectern")
        }
        return value
    }

    /// `value` as an nginx double-quoted string; the value has no `$`, backslash or control
    /// characters (checked by the caller).
    static func nginxQuoted(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// A name for nginx variables and upstreams: letters, digits and `_`.
    static func identifier(_ value: String) -> String {
        String(value.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }

    /// Eight hex digits of FNV-1a: a stable, short name for `value`.
    static func shortHash(_ value: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in value.utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
