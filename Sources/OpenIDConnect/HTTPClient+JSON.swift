import AsyncHTTPClient
import Foundation

/// Why a request to the provider failed, in words fit for ``OIDCError``'s messages.
struct ProviderRequestFailure: Error {
    var reason: String
    /// The body of a non-2xx answer, for OAuth's `{"error": …}` responses.
    var status: Int?
    var body: Data?
}

extension HTTPClient {
    /// Provider documents are a few kilobytes; the cap keeps a broken server from filling memory.
    static let providerResponseLimit = 1024 * 1024

    /// Sends `request` and decodes a 2xx JSON answer as `T`.
    /// - Throws: ``ProviderRequestFailure`` naming the transport error, status or decoding problem.
    func fetchJSON<T: Decodable>(_: T.Type, _ request: HTTPClientRequest) async throws(ProviderRequestFailure) -> T {
        let status: Int
        let body: Data
        do {
            // Sign-in waits on these requests; a stalled provider should fail it, not hang it.
            let response = try await execute(request, timeout: .seconds(10))
            status = Int(response.status.code)
            let buffer = try await response.body.collect(upTo: Self.providerResponseLimit)
            body = Data(buffer.readableBytesView)
        } catch {
            throw ProviderRequestFailure(reason: "\(error)")
        }
        guard (200..<300).contains(status) else {
            throw ProviderRequestFailure(reason: "HTTP \(status)", status: status, body: body)
        }
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch {
            throw ProviderRequestFailure(reason: "the response is not the expected JSON (\(Self.describe(error)))")
        }
    }

    /// Names what was wrong with a JSON document without quoting any of its values.
    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: "not valid JSON"
        }
    }
}
