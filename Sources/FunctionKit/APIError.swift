import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The one error shape every function answers with:
/// `{"error": {"code": "...", "message": "...", "field": "..."}}`.
///
/// `message` is written for the person reading it (what went wrong and what to do); `code` is
/// stable for programs; `field` names the input at fault when there is one.
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public let field: String?
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, field: String? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers
    }

    public static func badRequest(_ message: String, code: String = "bad_request", field: String? = nil) -> APIError {
        APIError(.badRequest, code: code, message: message, field: field)
    }

    public static func invalid(_ field: String, _ message: String) -> APIError {
        APIError(.unprocessableContent, code: "invalid_field", message: message, field: field)
    }

    public static func notFound(_ message: String = "Nothing here. Check the URL.") -> APIError {
        APIError(.notFound, code: "not_found", message: message)
    }

    public static func tooLarge(limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "body_too_large", message: "The request body is larger than \(limit) bytes.")
    }

    public static func rateLimited(retryAfter seconds: Int) -> APIError {
        APIError(.tooManyRequests, code: "rate_limited",
                 message: "Too many requests. Try again in \(seconds) seconds.",
                 headers: [.retryAfter: String(seconds)])
    }

    public static let internalError = APIError(
        .internalServerError, code: "internal_error",
        message: "Something went wrong on our side. Try again; if it keeps happening, quote the request id.")

    /// Serialised by hand: the shape is fixed and this runs on every error path.
    public var jsonBody: String {
        var body = #"{"error":{"code":"# + JSONText.quote(code) + #","message":"# + JSONText.quote(message)
        if let field { body += #","field":"# + JSONText.quote(field) }
        return body + "}}"
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        fields[.cacheControl] = "no-store"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: jsonBody)))
    }
}

/// Minimal JSON string quoting (RFC 8259 §7), shared by the hand-written bodies.
public enum JSONText {
    public static func quote(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let s where s.value < 0x20:
                out += String(format: "\\u%04x", s.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// A JSON answer built from a dictionary (sorted keys, slashes unescaped, never cached): the
/// shape every function's success bodies share.
public enum JSONResponse {
    public static func make(_ status: HTTPResponse.Status, _ object: [String: Any], headers extra: HTTPFields = [:]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
