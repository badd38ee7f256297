import HTTPTypes
import Hummingbird
import NIOCore
import Logging

/// Turns every error into the JSON error shape. Errors the code meant (`APIError`) keep their
/// status and message; Hummingbird's own HTTP errors keep their status; anything else becomes a
/// 500 whose details go to the log (with the request id), never to the client.
public struct ErrorMiddleware: RouterMiddleware {
    public typealias Context = FunctionContext

    public init() {}

    public func handle(_ request: Request, context: FunctionContext, next: (Request, FunctionContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            return try Self.translate(error).response(from: request, context: context)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return try APIError.internalError.response(from: request, context: context)
        }
    }

    static func translate(_ error: HTTPError) -> APIError {
        let status = error.status
        let message = error.body ?? ""
        switch status.code {
        case 404: return .notFound()
        case 405: return APIError(status, code: "method_not_allowed", message: "This route does not accept that method.")
        case 413: return APIError(status, code: "body_too_large", message: message.isEmpty ? "The request body is too large." : message)
        case 400..<500: return APIError(status, code: "bad_request", message: message.isEmpty ? status.reasonPhrase : message)
        default: return .internalError
        }
    }
}
