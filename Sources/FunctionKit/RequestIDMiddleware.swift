import HTTPTypes
import Hummingbird
import NIOCore
import Logging

/// Gives every request an id, on its response (`X-Request-Id`) and on every log line, and works
/// out the client's address. An id sent by a trusted proxy (the router) is kept, so one id
/// follows a request from the router into the function's logs.
public struct RequestIDMiddleware: RouterMiddleware {
    public typealias Context = FunctionContext
    let trustedProxies: [String]

    public init(trustedProxies: [String]) {
        self.trustedProxies = trustedProxies
    }

    public func handle(_ request: Request, context: FunctionContext, next: (Request, FunctionContext) async throws -> Response) async throws -> Response {
        var context = context
        let peer = Self.host(of: context.remoteAddress)
        let trusted = peer == "unix" || trustedProxies.contains(peer)
        if trusted, let incoming = request.headers[.xRequestID], Self.isWellFormed(incoming) {
            context.requestID = incoming
        } else {
            context.requestID = RequestID().description
        }
        if trusted, let forwarded = request.headers[.xForwardedFor],
           let client = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !client.isEmpty {
            // The last hop is the one our proxy added; anything before it is the client's claim.
            context.clientAddress = client
        } else {
            context.clientAddress = peer
        }
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        var response = try await next(request, context)
        response.headers[.xRequestID] = context.requestID
        return response
    }

    static func host(of address: SocketAddress?) -> String {
        guard let address else { return "unknown" }
        if case .unixDomainSocket = address { return "unix" }
        return address.ipAddress ?? "unknown"
    }

    /// Letters, digits and dashes, 8–64 long: safe to echo into headers and logs.
    public static func isWellFormed(_ id: String) -> Bool {
        (8...64).contains(id.utf8.count) && id.utf8.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 45
        }
    }
}

extension HTTPField.Name {
    public static let xRequestID = Self("X-Request-Id")!
    public static let xForwardedFor = Self("X-Forwarded-For")!
    public static let xForwardedProto = Self("X-Forwarded-Proto")!
}
