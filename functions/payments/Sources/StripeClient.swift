import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore

/// Stripe's HTTP API, the two calls Lectern makes: create a Checkout Session and a billing
/// portal session. Form-encoded, `Authorization: Bearer <secret key>`, an `Idempotency-Key` so
/// a double click (or a retry after a timeout) creates one session. `baseURL` is
/// `https://api.stripe.com` in production and a loopback server in tests.
struct StripeClient: Sendable {
    let secretKey: String
    let baseURL: String
    let http: HTTPClient

    struct Failure: Error, CustomStringConvertible {
        let status: Int
        let message: String
        var description: String { "Stripe answered \(status): \(message)" }
    }

    func createCheckoutSession(_ form: [(String, String)], idempotencyKey: String) async throws -> (id: String, url: String) {
        let object = try await post("/v1/checkout/sessions", form, idempotencyKey: idempotencyKey)
        guard let id = object.string("id"), let url = object.string("url") else {
            throw Failure(status: 200, message: "the Checkout Session has no id or url")
        }
        return (id, url)
    }

    func createPortalSession(customer: String, returnURL: String) async throws -> String {
        let object = try await post("/v1/billing_portal/sessions", [("customer", customer), ("return_url", returnURL)],
                                    idempotencyKey: nil)
        guard let url = object.string("url") else { throw Failure(status: 200, message: "the portal session has no url") }
        return url
    }

    func post(_ path: String, _ form: [(String, String)], idempotencyKey: String?) async throws -> JSONObject {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(secretKey)")
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Stripe-Version", value: "2024-06-20")
        if let idempotencyKey { request.headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        request.body = .bytes(ByteBuffer(string: Self.encode(form)))
        let response = try await http.execute(request, timeout: .seconds(20))
        let body = try await response.body.collect(upTo: 1 << 20)
        let object = try JSONObject(parsing: Array(buffer: body))
        guard (200..<300).contains(Int(response.status.code)) else {
            throw Failure(status: Int(response.status.code), message: object[object: "error"]?.string("message") ?? "no message")
        }
        return object
    }

    /// `application/x-www-form-urlencoded`, with Stripe's bracketed keys (`line_items[0][price]`).
    static func encode(_ form: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return form.map { key, value in
            (key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key) + "=" + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)
        }.joined(separator: "&")
    }
}
