/// One plain-text email to one recipient, such as a verification or password-reset link.
///
/// Addresses are either bare (`ada@example.com`) or with a display name
/// (`Ada Lovelace <ada@example.com>`). Nothing is checked here: `renderMessage(date:)` checks
/// every field, so each mailer refuses a malformed email the same way.
public struct Email: Sendable, Hashable {
    /// The sender, as shown in `From` and given to the server as the envelope sender.
    public var from: String
    /// The one recipient.
    public var to: String
    public var subject: String
    /// The plain-text body; any line endings (`\n`, `\r\n`) become CRLF on the wire.
    public var text: String
    /// Where replies go when that is not `from` (a support address, say).
    public var replyTo: String?

    public init(from: String, to: String, subject: String, text: String, replyTo: String? = nil) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.replyTo = replyTo
    }
}
