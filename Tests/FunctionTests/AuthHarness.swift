@testable import Accounts
@testable import AuthFunction
@testable import FunctionKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Store
import Testing

/// Drives the auth function in tests: config with an outbox folder (emails are read back from
/// it), a fixed secret, bcrypt at cost 10 (the cost is a setting; 12 is checked on its own), and
/// helpers for the steps every journey repeats.
struct AuthHarness {
    static let secret = String(repeating: "0123456789abcdef", count: 4)
    let database: String
    let outbox: String
    let config: FunctionConfig

    init(database: String, extra: [String: String] = [:]) throws {
        self.database = database
        self.outbox = FunctionTestSupport.temporaryFolder() + "/outbox"
        var environment = ["MAIL_OUTBOX": outbox, "PASSWORD_HASH_COST": "10", "SITE_URL": "http://localhost:8080",
                           "AUTH_SECRET": Self.secret, "SITE_NAME": "Test School"]
        environment.merge(extra) { $1 }
        self.config = try FunctionTestSupport.config(name: "auth", database: database, extra: environment)
    }

    func app() async throws -> some ApplicationProtocol {
        try await AuthFunction.buildApplication(config: config)
    }

    func store() async throws -> Store {
        try await Store.open(try DatabaseURL(database))
    }

    /// The messages in the outbox for `address`, oldest first.
    func mails(to address: String) throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? []
        return try names.filter { $0.hasSuffix(".eml") }.sorted().map { try String(contentsOfFile: outbox + "/" + $0, encoding: .utf8) }
            .map(Self.decodeQuotedPrintable)
            .filter { $0.contains("To: \(address)") || $0.contains("<\(address)>") }
    }

    /// The token of the newest link in the newest message to `address` whose link contains `path`.
    func token(to address: String, path: String) throws -> String? {
        for mail in try mails(to: address).reversed() {
            if let range = mail.range(of: path + "?token=") {
                return String(mail[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            }
        }
        return nil
    }

    static func decodeQuotedPrintable(_ text: String) -> String {
        let joined = text.replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=\n", with: "")
        var bytes: [UInt8] = []
        var iterator = Array(joined.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "="), iterator.count >= 2,
               let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A signed-in browser: its session cookie and CSRF token.
struct BrowserSession {
    let cookie: String
    let csrf: String

    var headers: HTTPFields {
        [.cookie: "lectern_session=\(cookie)", HTTPField.Name("X-CSRF-Token")!: csrf]
    }

    var cookieOnly: HTTPFields { [.cookie: "lectern_session=\(cookie)"] }
}

extension TestClientProtocol {
    func json(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, headers: HTTPFields = [:]) async throws -> TestResponse {
        var fields = headers
        if body != nil { fields[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: fields, body: body.map { ByteBuffer(string: $0) })
    }

    /// Sign up, confirm by the emailed link, sign in.
    func newAccount(_ harness: AuthHarness, email: String, password: String = "correct horse battery") async throws -> BrowserSession {
        let signUp = try await json(.post, "/api/auth/signup", #"{"email":"\#(email)","password":"\#(password)","name":"Test"}"#)
        #expect(signUp.status == .accepted)
        let token = try #require(try harness.token(to: email, path: "/account/verify/"))
        #expect(try await json(.post, "/api/auth/verify", #"{"token":"\#(token)"}"#).status == .ok)
        return try await signIn(email: email, password: password)
    }

    func signIn(email: String, password: String) async throws -> BrowserSession {
        let response = try await json(.post, "/api/auth/signin", #"{"email":"\#(email)","password":"\#(password)"}"#)
        #expect(response.status == .ok, "\(String(buffer: response.body))")
        return try BrowserSession(response)
    }
}

extension BrowserSession {
    init(_ response: TestResponse) throws {
        let cookies = response.headers[values: .setCookie]
        let session = try #require(cookies.first { $0.hasPrefix("lectern_session=") })
        cookie = String(session.dropFirst("lectern_session=".count).prefix { $0 != ";" })
        let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        csrf = try #require(body?["csrf_token"] as? String)
    }
}

extension TestResponse {
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]) ?? [:]
    }

    var errorCode: String? { (object["error"] as? [String: Any])?["code"] as? String }
    var errorField: String? { (object["error"] as? [String: Any])?["field"] as? String }
}
