import Mail
import Testing

@Suite struct SMTPURLTests {
    @Test func parsesASubmissionURLWithPercentEncodedCredentials() throws {
        let url = try SMTPURL("smtp://mailer%40lectern.dev:p%40ss%3Aw%2Frd@smtp.example.com:587")
        #expect(url.host == "smtp.example.com")
        #expect(url.port == 587)
        #expect(url.username == "mailer@lectern.dev")
        #expect(url.password == "p@ss:w/rd")
        // Credentials make STARTTLS required unless the URL says `starttls=off`.
        #expect(url.security == .startTLSRequired)
        #expect(try SMTPURL("smtp://u:p@smtp.example.com:587?starttls=off").security == .none)
        #expect(url.description == "smtp://mailer@lectern.dev:***@smtp.example.com:587")
    }

    @Test(arguments: [
        ("smtp://localhost:1025", "localhost", 1025, SMTPURL.Security.startTLSIfOffered),
        ("smtp://relay.internal", "relay.internal", 25, .startTLSIfOffered),
        ("smtps://smtp.example.com", "smtp.example.com", 465, .implicitTLS),
        ("SMTPS://smtp.example.com:2465/", "smtp.example.com", 2465, .implicitTLS),
        ("smtp://smtp.example.com:587?starttls=required", "smtp.example.com", 587, .startTLSRequired),
        ("smtp://127.0.0.1:25?starttls=off", "127.0.0.1", 25, .none),
    ])
    func parsesServersWithoutLogin(url: String, host: String, port: Int, security: SMTPURL.Security) throws {
        let parsed = try SMTPURL(url)
        #expect(parsed.host == host)
        #expect(parsed.port == port)
        #expect(parsed.security == security)
        #expect(parsed.username == nil && parsed.password == nil)
    }

    @Test(arguments: [
        ("", "is empty"),
        ("smtp://user:secret@host:abc", "is not a valid URL"),
        ("smtp//user:secret@host", "is not a valid URL"),
        ("http://user:secret@host", "has the scheme 'http'"),
        ("smtp://user:secret@:587", "names no host"),
        ("smtp://user:secret@host:70000", "port 70000 is out of range"),
        ("smtp://user:secret@host/mail", "has a path (/mail)"),
        ("smtp://user:secret@host#frag", "has a fragment"),
        ("smtp://:secret@host", "has a password but no user name"),
        ("smtp://user@host", "has a user name but no password"),
        ("smtp://user:secret@host?tls=yes", "unknown option 'tls'"),
        ("smtp://user:secret@host?starttls=maybe", "starttls must be 'required' or 'off', not 'maybe'"),
        ("smtps://user:secret@host?starttls=off", "starttls applies to smtp:// only"),
    ])
    func refusesABadURLNamingTheVariable(url: String, reason: String) throws {
        let error = try #require(throws: MailError.self) { try SMTPURL(url) }
        #expect(error.description.hasPrefix("SMTP_URL: "))
        #expect(error.description.contains(reason), "\(error)")
        #expect(!error.description.contains("secret"), "the password leaked: \(error)")
    }
}
