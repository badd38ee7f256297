import HTTPTypes
import Hummingbird
import NIOCore

/// CORS for an explicit allow-list of origins (empty by default, so browsers refuse cross-site
/// calls). Allowed origins are echoed back exactly, with credentials allowed, because the API
/// authenticates with cookies; a wildcard would be refused by browsers for that reason anyway.
public struct CORSAllowListMiddleware: RouterMiddleware {
    public typealias Context = FunctionContext
    let origins: Set<String>

    public init(origins: [String]) {
        self.origins = Set(origins)
    }

    public func handle(_ request: Request, context: FunctionContext, next: (Request, FunctionContext) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], origins.contains(origin) else {
            return try await next(request, context)
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var headers = HTTPFields()
            headers[.accessControlAllowOrigin] = origin
            headers[.accessControlAllowCredentials] = "true"
            headers[.accessControlAllowMethods] = "GET, POST, PUT, PATCH, DELETE"
            headers[.accessControlAllowHeaders] = request.headers[.accessControlRequestHeaders] ?? "Content-Type"
            headers[.accessControlMaxAge] = "600"
            headers[.vary] = "Origin"
            return Response(status: .noContent, headers: headers)
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.accessControlAllowCredentials] = "true"
        response.headers[.vary] = "Origin"
        return response
    }
}

/// Admin routes answer only to listed client addresses (exact, or a prefix ending in `.` or `:`).
public struct IPAllowListMiddleware: RouterMiddleware {
    public typealias Context = FunctionContext
    let allowed: [String]

    public init(allowed: [String]) {
        self.allowed = allowed
    }

    public func handle(_ request: Request, context: FunctionContext, next: (Request, FunctionContext) async throws -> Response) async throws -> Response {
        guard Self.matches(context.clientAddress, allowed) else {
            throw APIError(.forbidden, code: "address_not_allowed", message: "This admin route is not available from your address.")
        }
        return try await next(request, context)
    }

    static func matches(_ address: String, _ allowed: [String]) -> Bool {
        allowed.contains { entry in
            entry == address || ((entry.hasSuffix(".") || entry.hasSuffix(":")) && address.hasPrefix(entry))
        }
    }
}

/// Rejects a declared body over the limit before reading it (413); `collectBody(limit:)`
/// catches bodies without a `Content-Length`.
public struct BodyLimitMiddleware: RouterMiddleware {
    public typealias Context = FunctionContext
    let limit: Int

    public init(limit: Int) {
        self.limit = limit
    }

    public func handle(_ request: Request, context: FunctionContext, next: (Request, FunctionContext) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw APIError.tooLarge(limit: limit)
        }
        return try await next(request, context)
    }
}
