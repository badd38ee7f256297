/// Something that delivers an `Email`: an SMTP server in production, a folder in development.
public protocol Mailer: Sendable {
    /// Delivers `email`, returning once it has been handed off (accepted by the server, or
    /// written in full).
    /// - Throws: `MailError` when the email is malformed or cannot be delivered.
    func send(_ email: Email) async throws
}
