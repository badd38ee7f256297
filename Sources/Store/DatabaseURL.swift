import Foundation
import PostgresKit

/// Where the store lives, parsed from `DATABASE_URL`.
///
/// - `sqlite:///absolute/path.sqlite`, `sqlite://relative/path.sqlite` or a bare file path: an
///   SQLite file (created with its folder when missing);
/// - `postgres://user:password@host:port/database` (also `postgresql://`, with `?sslmode=`).
public enum DatabaseURL: Sendable {
    case sqlite(path: String)
    case postgres(SQLPostgresConfiguration, redacted: String)

    public init(_ string: String) throws {
        let trimmed = string.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw StoreError.invalidURL(string, reason: "it is empty") }
        if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") {
            guard let url = URL(string: trimmed), url.host != nil else {
                throw StoreError.invalidURL(Self.redact(trimmed), reason: "it is not a URL with a host")
            }
            do {
                self = .postgres(try SQLPostgresConfiguration(url: url), redacted: Self.redact(trimmed))
            } catch {
                throw StoreError.invalidURL(Self.redact(trimmed), reason: String(describing: error))
            }
        } else if trimmed.hasPrefix("sqlite:") {
            var path = String(trimmed.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty, path != "/" else {
                throw StoreError.invalidURL(trimmed, reason: "it names no file")
            }
            self = .sqlite(path: path)
        } else if trimmed.contains("://") {
            throw StoreError.invalidURL(Self.redact(trimmed), reason: "only sqlite: and postgres: are supported")
        } else {
            self = .sqlite(path: trimmed)
        }
    }

    /// The URL with its password replaced, for messages.
    static func redact(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}
