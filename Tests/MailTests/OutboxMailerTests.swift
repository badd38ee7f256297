import Foundation
import InMemoryLogging
import Logging
import Mail
import Testing

@Suite struct OutboxMailerTests {
    let email = Email(
        from: "Lectern <no-reply@lectern.dev>", to: "ada@example.com", subject: "Vérifiez votre adresse",
        text: "Open https://lectern.dev/verify?token=abc123.\nNot you? Visit http://localhost:8080/help)\n")

    @Test func writesOneReadableMessageAndLogsItsLinks() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let outbox = root.url.appendingPathComponent("nested/outbox").path
        let logs = InMemoryLogHandler()
        let mailer = OutboxMailer(directory: outbox, logger: Logger(label: "test") { _ in logs })

        try await mailer.send(email)

        // Listed with hidden files: a leftover temporary file would show up here.
        let files = try FileManager.default.contentsOfDirectory(atPath: outbox)
        try #require(files.count == 1, "\(files)")
        #expect(files[0].wholeMatch(of: /\d{8}-\d{6}-[0-9a-f]{8}\.eml/) != nil)
        let path = outbox + "/" + files[0]
        let parsed = try ParsedMessage(String(contentsOfFile: path, encoding: .utf8))
        #expect(parsed.header("To") == "ada@example.com")
        #expect(parsed.decodedHeader("Subject") == "Vérifiez votre adresse")
        #expect(parsed.decodedBody == email.text.asMessageBody)

        let delivery = try #require(logs.entries.first)
        #expect(delivery.level == .info)
        #expect(delivery.metadata["to"] == "ada@example.com")
        #expect(delivery.metadata["subject"] == "Vérifiez votre adresse")
        #expect(delivery.metadata["path"] == .string(path))
        let links = logs.entries.compactMap { $0.metadata["link"]?.description }
        #expect(links == ["https://lectern.dev/verify?token=abc123", "http://localhost:8080/help"])
    }

    @Test func keepsTwoEmailsSentInTheSameSecond() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let mailer = OutboxMailer(directory: root.path, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        try await mailer.send(email)
        try await mailer.send(email)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).count == 2)
    }

    @Test func reportsAnOutboxThatCannotBeWritten() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let blocker = root.url.appendingPathComponent("outbox").path
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: blocker))
        let mailer = OutboxMailer(directory: blocker, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })

        let error = try await #require(throws: MailError.self) { try await mailer.send(email) }
        guard case .outboxUnwritable(let path, _) = error else {
            Issue.record("expected outboxUnwritable, got \(error)")
            return
        }
        #expect(path == blocker)
        #expect(error.description.hasPrefix("cannot write the mail outbox \(blocker): "))
        // The operating system's reason, not Foundation's generic "could not be completed".
        #expect(!error.description.contains("could not be completed"), "\(error)")
    }

    @Test func refusesAnInjectedHeaderBeforeWritingAnything() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        var injected = email
        injected.to = "ada@example.com\r\nBcc: eve@evil.example"
        let mailer = OutboxMailer(directory: root.path, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        await #expect(throws: MailError.unsafeHeader(field: "to")) { try await mailer.send(injected) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)
    }
}
