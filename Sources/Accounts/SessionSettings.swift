import Foundation
import FunctionKit

/// How browser sessions behave, from the function's config: the cookie's name and flags, the
/// site's origin (for CSRF checks and email links), and the timeouts.
public struct SessionSettings: Sendable {
    /// `__Host-lectern_session` on https; `lectern_session` without `Secure` on http://localhost,
    /// because browsers refuse a `__Host-` cookie that is not `Secure`.
    public let cookieName: String
    public let secureCookie: Bool
    /// `scheme://host[:port]` of `SITE_URL`: the only origin allowed to change state.
    public let siteOrigin: String
    public let siteURL: String
    public let idleTimeout: Int
    public let absoluteTimeout: Int

    /// Readable by the page's script: it only says "a session may exist", so static pages skip
    /// the session call for visitors who never signed in.
    public static let hintCookie = "lectern_hint"

    public init(siteURL: String, idleMinutes: Int = 12 * 60, maxDays: Int = 30) {
        let trimmed = siteURL.hasSuffix("/") ? String(siteURL.dropLast()) : siteURL
        self.siteURL = trimmed
        let url = URL(string: trimmed)
        let scheme = url?.scheme?.lowercased() ?? "https"
        let host = url?.host?.lowercased() ?? "localhost"
        let port = url?.port.map { ":\($0)" } ?? ""
        self.siteOrigin = "\(scheme)://\(host)\(port)"
        let local = scheme == "http" && (host == "localhost" || host == "127.0.0.1" || host == "[::1]" || host == "::1")
        self.secureCookie = !local
        self.cookieName = local ? "lectern_session" : "__Host-lectern_session"
        self.idleTimeout = idleMinutes * 60
        self.absoluteTimeout = maxDays * 86_400
    }

    public static func from(_ config: FunctionConfig) throws -> SessionSettings {
        func number(_ variable: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
            guard let text = config.environment[variable], !text.isEmpty else { return fallback }
            guard let value = Int(text), range.contains(value) else {
                throw FunctionConfig.Invalid(variable: variable, message: "must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
            }
            return value
        }
        return SessionSettings(
            siteURL: config.siteURL,
            idleMinutes: try number("SESSION_IDLE_MINUTES", default: 12 * 60, range: 5...(60 * 24 * 30)),
            maxDays: try number("SESSION_MAX_DAYS", default: 30, range: 1...365))
    }

    /// The `Set-Cookie` value that starts a session.
    public func sessionCookie(_ token: String) -> String {
        "\(cookieName)=\(token); Path=/; HttpOnly; SameSite=Lax; Max-Age=\(absoluteTimeout)" + (secureCookie ? "; Secure" : "")
    }

    public func hintCookieValue() -> String {
        "\(Self.hintCookie)=1; Path=/; SameSite=Lax; Max-Age=\(absoluteTimeout)" + (secureCookie ? "; Secure" : "")
    }

    /// Both cookies, expired.
    public func clearingCookies() -> [String] {
        ["\(cookieName)=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0" + (secureCookie ? "; Secure" : ""),
         "\(Self.hintCookie)=; Path=/; SameSite=Lax; Max-Age=0" + (secureCookie ? "; Secure" : "")]
    }
}
