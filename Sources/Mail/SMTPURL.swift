import Foundation

/// An SMTP server as `SMTP_URL` names it.
///
/// - `smtp://user:password@host:587`: submission, upgraded with STARTTLS when the server offers it;
/// - `smtp://host:1025`: no login (a local relay or a test server);
/// - `smtps://host:465`: TLS from the first byte.
///
/// User name and password are percent-decoded (`p%40ss` is `p@ss`). The query may set
/// `starttls=required` (refuse to go on unencrypted) or `starttls=off` (never upgrade) for
/// `smtp://`. Ports default to 25 (`smtp`) and 465 (`smtps`).
public struct SMTPURL: Sendable, Equatable, CustomStringConvertible {
    /// How the connection is encrypted.
    public enum Security: Sendable, Equatable {
        /// STARTTLS when the server offers it, plain text otherwise (`smtp://`).
        case startTLSIfOffered
        /// STARTTLS, or no delivery (`smtp://…?starttls=required`).
        case startTLSRequired
        /// Plain text throughout (`smtp://…?starttls=off`).
        case none
        /// TLS from the start (`smtps://`).
        case implicitTLS
    }

    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var security: Security

    static let variable = "SMTP_URL"
    static let expected = "expected smtp://user:password@host:587, smtp://host:1025 or smtps://host:465"

    /// Parses an `SMTP_URL` value.
    /// - Throws: `MailError.invalidSetting` for `SMTP_URL`, saying what is wrong; the password is
    ///   never part of the message.
    public init(_ string: String) throws {
        let trimmed = string.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw Self.invalid("is empty; \(Self.expected)") }
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased() else {
            // Echoing the value could print the password, so only the likely cause is named.
            throw Self.invalid(
                "is not a valid URL (percent-encode special characters in the user name and password, "
                    + "e.g. @ as %40); \(Self.expected)")
        }
        guard scheme == "smtp" || scheme == "smtps" else {
            throw Self.invalid("has the scheme '\(scheme)'; use smtp:// or smtps://")
        }
        guard let host = components.host, !host.isEmpty else { throw Self.invalid("names no host; \(Self.expected)") }
        let port = components.port ?? (scheme == "smtps" ? 465 : 25)
        guard (1...65535).contains(port) else { throw Self.invalid("port \(port) is out of range") }
        guard components.path.isEmpty || components.path == "/" else {
            throw Self.invalid("has a path (\(components.path)), which SMTP_URL does not take")
        }
        guard components.fragment == nil else {
            throw Self.invalid("has a fragment (#…); percent-encode # in the password as %23")
        }
        let username = components.user.flatMap { $0.isEmpty ? nil : $0 }
        let password = components.password.flatMap { $0.isEmpty ? nil : $0 }
        if (username == nil) != (password == nil) {
            throw Self.invalid(username == nil ? "has a password but no user name" : "has a user name but no password")
        }

        // With credentials, STARTTLS is required by default: a server (or a man in the middle)
        // that drops the offer must not get the password in the clear. `starttls=off` opts out.
        var security: Security = scheme == "smtps" ? .implicitTLS : (username == nil ? .startTLSIfOffered : .startTLSRequired)
        for item in components.queryItems ?? [] {
            guard item.name.lowercased() == "starttls" else {
                throw Self.invalid("has the unknown option '\(item.name)'; only starttls=required|off is understood")
            }
            guard scheme == "smtp" else {
                throw Self.invalid("starttls applies to smtp:// only; smtps:// is encrypted from the start")
            }
            switch item.value?.lowercased() {
            case "required": security = .startTLSRequired
            case "off": security = .none
            default: throw Self.invalid("starttls must be 'required' or 'off', not '\(item.value ?? "")'")
            }
        }
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.security = security
    }

    /// The URL with the password masked (`smtp://user:***@host:587`): safe for logs and errors.
    public var description: String {
        let credentials = username.map { "\($0):***@" } ?? ""
        return "\(scheme)://\(credentials)\(hostInURL):\(port)"
    }

    /// The URL curl connects to; credentials are passed to it separately, undecoded.
    var connectionURL: String { "\(scheme)://\(hostInURL):\(port)" }

    private var scheme: String { security == .implicitTLS ? "smtps" : "smtp" }

    /// IPv6 addresses are bracketed in URLs (`[::1]`).
    private var hostInURL: String { host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host }

    private static func invalid(_ reason: String) -> MailError {
        MailError.invalidSetting(variable: variable, reason: reason)
    }
}
