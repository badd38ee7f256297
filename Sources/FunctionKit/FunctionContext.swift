import HTTPTypes
import Hummingbird
import NIOCore
import Logging
import NIOCore

/// The request context of every function: Hummingbird's core storage plus the request id and
/// the client's address (from `X-Forwarded-For` when the peer is a trusted proxy).
public struct FunctionContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// Set by `RequestIDMiddleware`; also on every log line as `request_id`.
    public var requestID: String = ""
    /// The client as the rate limiter and logs see it.
    public var clientAddress: String = "unknown"

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// Bodies are read through `Request.collectBody(limit:)`, which enforces the configured
    /// limit; this only bounds Hummingbird's own `decode`.
    public var maxUploadSize: Int { 1024 * 1024 }
}
