import Mail
import Testing

@Suite struct MailConfigurationTests {
    @Test func sendsToTheOutboxWhenNoServerIsSet() throws {
        let configuration = try MailConfiguration(environment: ["SMTP_URL": ""])
        #expect(configuration.transport == .outbox(directory: ".lectern/outbox"))
        #expect(configuration.sender == "Lectern <no-reply@localhost>")
        #expect(configuration.makeMailer() is OutboxMailer)
    }

    @Test func readsTheOutboxFolderAndSender() throws {
        let configuration = try MailConfiguration(
            environment: ["MAIL_OUTBOX": "/tmp/outbox", "MAIL_FROM": "Lectern <hello@lectern.dev>"])
        #expect(configuration.transport == .outbox(directory: "/tmp/outbox"))
        #expect(configuration.sender == "Lectern <hello@lectern.dev>")
    }

    @Test func sendsThroughSMTPWhenAServerIsSet() throws {
        let configuration = try MailConfiguration(
            environment: ["SMTP_URL": "smtp://user:pw@smtp.example.com:587", "MAIL_OUTBOX": "/tmp/outbox"])
        #expect(configuration.transport == .smtp(try SMTPURL("smtp://user:pw@smtp.example.com:587")))
        let mailer = try #require(configuration.makeMailer() as? SMTPMailer)
        #expect(mailer.server.host == "smtp.example.com")
    }

    @Test func namesTheVariableThatIsWrong() throws {
        let badURL = try #require(throws: MailError.self) {
            try MailConfiguration(environment: ["SMTP_URL": "smtp//host"])
        }
        #expect(badURL.description.hasPrefix("SMTP_URL: "))
        let badSender = try #require(throws: MailError.self) {
            try MailConfiguration(environment: ["MAIL_FROM": "Lectern <no-reply>"])
        }
        #expect(
            badSender.description
                == "MAIL_FROM: \"Lectern <no-reply>\" is not a usable address: it must contain exactly one @")
    }
}
