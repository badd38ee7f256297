import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension Request {
    /// The whole body, refusing more than `limit` bytes with a 413.
    public func collectBody(limit: Int) async throws -> ByteBuffer {
        do {
            return try await body.collect(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.tooLarge(limit: limit)
        } catch is NIOTooManyBytesError {
            // What `collect(upTo:)` throws for a body without a Content-Length (chunked).
            throw APIError.tooLarge(limit: limit)
        }
    }

    /// Decodes a JSON body, turning decoding failures into errors that name the field:
    /// 400 for a body that is not JSON, 422 for a missing field or a wrong type.
    public func decodeJSON<T: Decodable>(_ type: T.Type, limit: Int) async throws -> T {
        let buffer = try await collectBody(limit: limit)
        return try JSONBody.decode(type, from: Data(buffer: buffer))
    }
}

public enum JSONBody {
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        guard String(validatingUTF8: data) != nil || data.isEmpty else {
            throw APIError.badRequest("The body is not valid UTF-8.", code: "invalid_encoding")
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw translate(error)
        }
    }

    static func translate(_ error: DecodingError) -> APIError {
        func path(_ context: DecodingError.Context, _ extra: CodingKey? = nil) -> String {
            (context.codingPath + (extra.map { [$0] } ?? [])).map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context, key)
            return .invalid(field, "'\(field)' is required.")
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let field = path(context)
            if field.isEmpty { return .badRequest("The body must be a JSON object.", code: "invalid_json") }
            return .invalid(field, "'\(field)' must be \(describe(type)).")
        case .dataCorrupted(let context):
            let field = path(context)
            if field.isEmpty { return .badRequest("The body is not valid JSON.", code: "invalid_json") }
            return .invalid(field, "'\(field)' has an invalid value.")
        @unknown default:
            return .badRequest("The body could not be read.", code: "invalid_json")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Double.Type: "a number"
        default: "of the documented type"
        }
    }
}

private extension String {
    init?(validatingUTF8 data: Data) {
        guard let string = String(data: data, encoding: .utf8) else { return nil }
        self = string
    }
}
