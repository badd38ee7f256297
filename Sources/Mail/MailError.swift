/// Why an email could not be built, configured or sent; each message names what to fix.
public enum MailError: Error, Equatable, CustomStringConvertible {
    /// A header value or address holds CR, LF or NUL. A line break would end the header early and
    /// let the rest of the value add headers of its own (a `Bcc:`, a second body), so such values
    /// are refused rather than cleaned.
    case unsafeHeader(field: String)
    /// An address is not one `local@domain` mailbox (optionally `Name <local@domain>`).
    case invalidAddress(field: String, address: String, reason: String)
    /// An environment variable (`SMTP_URL`, `MAIL_FROM`) has a value that cannot be used.
    case invalidSetting(variable: String, reason: String)
    /// The outbox folder or a message file in it could not be written.
    case outboxUnwritable(path: String, reason: String)
    /// The SMTP server could not be reached or did not accept the message.
    case deliveryFailed(server: String, reason: String)

    public var description: String {
        switch self {
        case .unsafeHeader(let field):
            "Email.\(field) contains a line break (CR or LF) or a NUL character; header values must be "
                + "one line, so the email was refused (it could inject headers)"
        case .invalidAddress(let field, let address, let reason):
            "Email.\(field) \"\(address)\" is not a usable address: \(reason) "
                + "(expected name@example.com or Name <name@example.com>)"
        case .invalidSetting(let variable, let reason):
            "\(variable): \(reason)"
        case .outboxUnwritable(let path, let reason):
            "cannot write the mail outbox \(path): \(reason)"
        case .deliveryFailed(let server, let reason):
            "sending mail through \(server) failed: \(reason)"
        }
    }
}
