import HTTPTypes
import Hummingbird
import NIOCore

/// The routes of one function, recorded as they are added so that a test can hold them against
/// the OpenAPI document (a route without a description, or a description without a route,
/// fails it).
public final class FunctionRoutes: @unchecked Sendable {
    // @unchecked: routes are added once, while the application is built, before any request.
    public struct Entry: Hashable, Sendable, CustomStringConvertible {
        public let method: String
        public let path: String
        public var description: String { "\(method) \(path)" }
    }

    public let router: Router<FunctionContext>
    public private(set) var entries: [Entry] = []

    public init(router: Router<FunctionContext>) {
        self.router = router
    }

    @discardableResult
    public func on<Output: ResponseGenerator>(
        _ method: HTTPRequest.Method, _ path: String,
        use handler: @escaping @Sendable (Request, FunctionContext) async throws -> Output
    ) -> Self {
        entries.append(Entry(method: method.rawValue, path: path))
        router.on(RouterPath(path), method: method, use: handler)
        return self
    }
}
