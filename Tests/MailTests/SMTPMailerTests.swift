import Foundation
import InMemoryLogging
import Logging
import Mail
import Testing

@Suite struct SMTPMailerTests {
    let token = String(repeating: "a1b2c3d4", count: 12)
    var email: Email {
        Email(
            from: "Lectern <no-reply@lectern.dev>", to: "Zoë <zoe@example.com>",
            subject: "Vérifiez votre adresse ✉️",
            // The lone "." line would end the SMTP data early unless it is dot-stuffed on the way.
            text: "Bonjour Zoë,\n\nConfirmez : https://lectern.dev/verify?token=\(token)\n.\nÀ bientôt\n")
    }

    @Test func deliversThroughARealSMTPServer() async throws {
        let server = try await SMTPTestServer.start()
        defer { server.stop() }
        let logs = InMemoryLogHandler()
        let mailer = try SMTPMailer(url: "smtp://127.0.0.1:\(server.port)", logger: Logger(label: "test") { _ in logs })

        try await mailer.send(email)

        let received = try server.receivedMessages()
        try #require(received.count == 1)
        #expect(received[0].envelopeSender == "no-reply@lectern.dev")
        #expect(received[0].envelopeRecipients == "zoe@example.com")
        #expect(received[0].to == "Zoë <zoe@example.com>")
        #expect(received[0].subject == "Vérifiez votre adresse ✉️")
        #expect(received[0].body == email.text)
        #expect(received[0].body.contains("https://lectern.dev/verify?token=\(token)\n"))
        #expect(logs.entries.map(\.metadata["server"]) == ["smtp://127.0.0.1:\(server.port)"])

        // The server offers no STARTTLS, so a URL that requires it must refuse to send in clear.
        let strict = try SMTPMailer(url: "smtp://127.0.0.1:\(server.port)?starttls=required")
        let error = try await #require(throws: MailError.self) { try await strict.send(email) }
        #expect(error.description.hasPrefix("sending mail through smtp://127.0.0.1:\(server.port) failed: "))
        #expect(error.description.contains("STARTTLS not supported"), "\(error)")
        #expect(try server.receivedMessages().count == 1)
    }

    /// A refused connection is an error naming the server (password masked), not a hang. No
    /// timing is asserted: these machines are shared and noisy.
    @Test func failsWithAClearErrorWhenNothingListens() async throws {
        let port = try LoopbackPort.free()
        let mailer = try SMTPMailer(url: "smtp://user:secret@127.0.0.1:\(port)", timeout: .seconds(10))

        let error = try await #require(throws: MailError.self) { try await mailer.send(email) }

        #expect(error.description.hasPrefix("sending mail through smtp://user:***@127.0.0.1:\(port) failed: "))
        #expect(error.description.contains("Couldn't connect to server"), "\(error)")
        #expect(!error.description.contains("secret"))
    }
}
