import Logging

/// How a function sends mail, read from its environment once at start-up so that a mistake is
/// reported by variable name before anything listens.
///
/// - `SMTP_URL`: the server (see `SMTPURL`); when unset or empty, mail goes to the outbox.
/// - `MAIL_OUTBOX`: the outbox folder, `.lectern/outbox` by default.
/// - `MAIL_FROM`: the sender, `Lectern <no-reply@localhost>` by default.
public struct MailConfiguration: Sendable, Equatable {
    /// Where mail goes.
    public enum Transport: Sendable, Equatable {
        case smtp(SMTPURL)
        case outbox(directory: String)
    }

    public static let defaultSender = "Lectern <no-reply@localhost>"
    public static let defaultOutbox = ".lectern/outbox"

    public var transport: Transport
    /// The `From` of every email, checked to be a usable address.
    public var sender: String

    /// - Throws: `MailError.invalidSetting` naming `SMTP_URL` or `MAIL_FROM`.
    public init(environment: [String: String]) throws {
        if let url = environment["SMTP_URL"], !url.isEmpty {
            transport = .smtp(try SMTPURL(url))
        } else {
            let outbox = environment["MAIL_OUTBOX"].flatMap { $0.isEmpty ? nil : $0 }
            transport = .outbox(directory: outbox ?? Self.defaultOutbox)
        }
        let sender = environment["MAIL_FROM"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultSender
        do {
            _ = try EmailAddress(sender, field: "from")
        } catch let error as MailError {
            throw MailError.invalidSetting(variable: "MAIL_FROM", reason: Self.reason(error))
        }
        self.sender = sender
    }

    /// The mailer for `transport`.
    public func makeMailer(logger: Logger = Logger(label: "lectern.mail")) -> any Mailer {
        switch transport {
        case .smtp(let server): SMTPMailer(server: server, logger: logger)
        case .outbox(let directory): OutboxMailer(directory: directory, logger: logger)
        }
    }

    private static func reason(_ error: MailError) -> String {
        switch error {
        case .unsafeHeader: "contains a line break or NUL character"
        case .invalidAddress(_, let address, let reason): "\"\(address)\" is not a usable address: \(reason)"
        default: error.description
        }
    }
}
