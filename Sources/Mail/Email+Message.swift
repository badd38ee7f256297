import Foundation

extension Email {
    /// Renders the email as an RFC 5322 message, ready for SMTP or an `.eml` file.
    ///
    /// Lines end in CRLF and none passes 76 characters. A non-ASCII subject or display name is
    /// written as RFC 2047 encoded words; the body is UTF-8 in quoted-printable, so the message
    /// is 7-bit clean and needs no SMTPUTF8 or 8BITMIME from the server.
    /// - Parameter date: The `Date` header's value.
    /// - Throws: `MailError.unsafeHeader` naming the field that holds CR, LF or NUL, or
    ///   `MailError.invalidAddress` for an address that cannot be parsed.
    public func renderMessage(date: Date = Date()) throws -> String {
        let (sender, recipient) = try envelope()
        let replyTo = try replyTo.map { try EmailAddress($0, field: "replyTo") }
        guard !subject.containsHeaderBreak else { throw MailError.unsafeHeader(field: "subject") }

        var headers = [
            HeaderField("Date", Self.rfc5322Date(date)),
            HeaderField("Message-ID", "<\(UUID().uuidString.lowercased())@\(sender.domain)>"),
            HeaderField("From", words: sender.headerWords),
            HeaderField("To", words: recipient.headerWords),
        ]
        if let replyTo { headers.append(HeaderField("Reply-To", words: replyTo.headerWords)) }
        headers += [
            HeaderField("Subject", words: HeaderField.unstructuredWords(subject)),
            HeaderField("MIME-Version", "1.0"),
            HeaderField("Content-Type", "text/plain; charset=utf-8"),
            HeaderField("Content-Transfer-Encoding", "quoted-printable"),
        ]
        var body = QuotedPrintable.encode(text)
        if !body.hasSuffix("\r\n") { body += "\r\n" }
        return headers.map(\.rendered).joined() + "\r\n" + body
    }

    /// The sender and recipient, parsed: what the SMTP envelope (`MAIL FROM`, `RCPT TO`) carries.
    func envelope() throws -> (sender: EmailAddress, recipient: EmailAddress) {
        (try EmailAddress(from, field: "from"), try EmailAddress(to, field: "to"))
    }

    /// `Tue, 07 Apr 2026 09:30:00 +0000`, always in UTC and English, whatever the locale.
    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}

extension EmailAddress {
    /// The address as header words: `Name <local@domain>`, the name encoded when it needs to be.
    var headerWords: [String] {
        guard let displayName else { return [address] }
        return HeaderField.phraseWords(displayName) + ["<\(address)>"]
    }
}
