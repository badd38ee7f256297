import Foundation
import Testing

@testable import Mail

@Suite struct EmailMessageTests {
    let date = Date(timeIntervalSince1970: 1_775_554_200)

    @Test func rendersTheHeadersOfAnASCIIMessage() throws {
        let email = Email(
            from: "Lectern <no-reply@lectern.dev>", to: "ada@example.com", subject: "Verify your email",
            text: "Hello Ada\n", replyTo: "help@lectern.dev")
        let message = try email.renderMessage(date: date)
        let parsed = try ParsedMessage(message)

        #expect(message.hasOnlyCRLFLineEnds)
        #expect(parsed.headerLines.allSatisfy { $0.count <= 76 })
        #expect(parsed.header("Date") == "Tue, 07 Apr 2026 09:30:00 +0000")
        #expect(parsed.header("Message-ID")?.wholeMatch(of: /<[0-9a-f-]{36}@lectern\.dev>/) != nil)
        #expect(parsed.header("From") == "Lectern <no-reply@lectern.dev>")
        #expect(parsed.header("To") == "ada@example.com")
        #expect(parsed.header("Reply-To") == "help@lectern.dev")
        #expect(parsed.header("Subject") == "Verify your email")
        #expect(parsed.header("MIME-Version") == "1.0")
        #expect(parsed.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(parsed.header("Content-Transfer-Encoding") == "quoted-printable")
        #expect(parsed.decodedBody == "Hello Ada\r\n")
    }

    @Test func givesEachMessageItsOwnMessageID() throws {
        let email = Email(from: "a@lectern.dev", to: "b@example.com", subject: "Hi", text: "x")
        let first = try ParsedMessage(email.renderMessage()).header("Message-ID")
        let second = try ParsedMessage(email.renderMessage()).header("Message-ID")
        #expect(first != second)
    }

    @Test func encodesANonASCIISubject() throws {
        let email = Email(
            from: "a@lectern.dev", to: "b@example.com", subject: "Vérifiez votre adresse ✉️", text: "x")
        let parsed = try ParsedMessage(email.renderMessage(date: date))
        #expect(parsed.header("Subject")?.hasPrefix("=?UTF-8?B?") == true)
        #expect(parsed.decodedHeader("Subject") == "Vérifiez votre adresse ✉️")
    }

    @Test func foldsALongSubjectOntoShortLines() throws {
        let subjects = [
            String(repeating: "Réinitialisez votre mot de passe — ", count: 6),
            String(repeating: "Reset your password now please ", count: 8),
        ]
        for subject in subjects {
            let email = Email(from: "a@lectern.dev", to: "b@example.com", subject: subject, text: "x")
            let parsed = try ParsedMessage(email.renderMessage(date: date))
            #expect(parsed.headerLines.filter { $0.hasPrefix(" ") }.count >= 3, "the subject was folded")
            #expect(parsed.headerLines.allSatisfy { $0.count <= 76 })
            #expect(parsed.decodedHeader("Subject") == subject)
        }
    }

    @Test func encodesANonASCIIDisplayNameAndQuotesPunctuation() throws {
        let email = Email(
            from: "Zoë from Lectern <zoe@lectern.dev>", to: "\"Lovelace, Ada\" <ada@example.com>", subject: "Hi",
            text: "x")
        let parsed = try ParsedMessage(email.renderMessage(date: date))
        #expect(parsed.header("From")?.hasSuffix(" <zoe@lectern.dev>") == true)
        #expect(parsed.decodedHeader("From") == "Zoë from Lectern <zoe@lectern.dev>")
        #expect(parsed.header("To") == "\"Lovelace, Ada\" <ada@example.com>")
    }

    @Test(arguments: [
        "Bonjour Zoë,\nvotre lien : https://lectern.dev/verify?token=été&x=1\n\nÀ bientôt — 日本語 😀",
        "A long line " + String(repeating: "with many words and a = sign ", count: 12) + "end",
        "https://lectern.dev/reset?token=" + String(repeating: "a1b2c3d4", count: 20),
        "trailing spaces   \nand a tab\t\r\nold Mac\rline ends",
        String(repeating: "é", count: 200),
        "",
    ])
    func bodyRoundTripsThroughQuotedPrintable(text: String) throws {
        let email = Email(from: "a@lectern.dev", to: "b@example.com", subject: "Hi", text: text)
        let message = try email.renderMessage(date: date)
        let parsed = try ParsedMessage(message)
        #expect(message.hasOnlyCRLFLineEnds)
        #expect(message.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(parsed.bodyLines.allSatisfy { $0.count <= 76 })
        // Trailing white space would be stripped by some relays, so none may end a line.
        #expect(parsed.bodyLines.allSatisfy { !$0.hasSuffix(" ") && !$0.hasSuffix("\t") })
        #expect(parsed.decodedBody == text.asMessageBody)
    }

    @Test(arguments: ["subject", "from", "to", "replyTo"], ["\r\nBcc: eve@evil.example", "\nX-Injected: 1", "nul\0"])
    func refusesLineBreaksInHeaders(field: String, injection: String) throws {
        var email = Email(
            from: "a@lectern.dev", to: "b@example.com", subject: "Hi", text: "x", replyTo: "c@lectern.dev")
        switch field {
        case "subject": email.subject += injection
        case "from": email.from += injection
        case "to": email.to += injection
        default: email.replyTo! += injection
        }
        let error = try #require(throws: MailError.self) { try email.renderMessage() }
        #expect(error == .unsafeHeader(field: field))
        #expect(error.description.hasPrefix("Email.\(field) contains a line break"))
    }

    @Test(arguments: [
        ("ada.example.com", "exactly one @"), ("ada@", "is not a domain name"), ("Ada <>", "it is empty"),
        ("ada lovelace@example.com", "a space"), ("zoë@example.com", "non-ASCII"),
    ])
    func refusesAnUnusableAddress(address: String, reason: String) throws {
        let email = Email(from: "a@lectern.dev", to: address, subject: "Hi", text: "x")
        let error = try #require(throws: MailError.self) { try email.renderMessage() }
        guard case .invalidAddress(let field, _, let message) = error else {
            Issue.record("expected invalidAddress, got \(error)")
            return
        }
        #expect(field == "to")
        #expect(message.contains(reason))
        #expect(error.description.hasPrefix("Email.to \""))
    }

    @Test func findsTheLinksInTheBody() {
        let email = Email(
            from: "a@lectern.dev", to: "b@example.com", subject: "Hi",
            text: "Verify at https://lectern.dev/verify?token=abc.\n(or HTTP://localhost:8080/reset#x) — ftp://no")
        #expect(email.links == ["https://lectern.dev/verify?token=abc", "HTTP://localhost:8080/reset#x"])
    }
}
