import Logging

/// Delivers mail through an SMTP server (a provider's submission port, a local relay), named by
/// an `SMTP_URL`; see `SMTPURL` for the forms it takes.
public struct SMTPMailer: Mailer {
    /// The server, with its credentials; its description hides the password.
    public let server: SMTPURL
    private let logger: Logger
    private let connectTimeout: Duration
    private let timeout: Duration

    /// - Parameters:
    ///   - url: An `SMTP_URL` value such as `smtp://user:password@smtp.example.com:587`.
    ///   - logger: Where each delivery is logged, at `info`.
    ///   - connectTimeout: How long to wait for the connection to open.
    ///   - timeout: How long one whole delivery may take; a send never hangs past it.
    /// - Throws: `MailError.invalidSetting` naming `SMTP_URL` when the URL cannot be used.
    public init(
        url: String, logger: Logger = Logger(label: "lectern.mail"),
        connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(30)
    ) throws {
        self.init(server: try SMTPURL(url), logger: logger, connectTimeout: connectTimeout, timeout: timeout)
    }

    /// A mailer for a server already parsed.
    public init(
        server: SMTPURL, logger: Logger = Logger(label: "lectern.mail"),
        connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(30)
    ) {
        self.server = server
        self.logger = logger
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    /// Submits `email`; cancelling the calling task does not stop a delivery under way, which
    /// ends within `timeout` either way.
    public func send(_ email: Email) async throws {
        let message = try email.renderMessage()
        let (sender, recipient) = try email.envelope()
        let transfer = CurlSMTPTransfer(
            server: server, sender: sender.address, recipient: recipient.address, message: Array(message.utf8),
            connectTimeout: connectTimeout, timeout: timeout)
        try await transfer.run()
        logger.info(
            "Email sent", metadata: ["to": "\(email.to)", "subject": "\(email.subject)", "server": "\(server)"])
    }
}
