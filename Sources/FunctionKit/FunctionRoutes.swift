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
    /// Work the function runs beside its server (a batch worker), started and stopped with it.
    public let background = BackgroundWork()

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

/// Long-running work a function registers while its routes are built; `FunctionApp` runs it as
/// a service, so it starts with the server and is cancelled at shutdown, before the store closes.
public final class BackgroundWork: @unchecked Sendable {
    // @unchecked: filled while the application is built, read once when it starts.
    public private(set) var jobs: [@Sendable () async -> Void] = []

    public func add(_ job: @escaping @Sendable () async -> Void) {
        jobs.append(job)
    }
}
