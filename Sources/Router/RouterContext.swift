import HTTPTypes
import Hummingbird
import NIOCore

/// The router's request context: Hummingbird's core storage plus the peer address. (The function
/// proxy, which passes the address on in `X-Forwarded-For`, runs before Hummingbird: see
/// `FastPathHandler.clientIP`.)
public struct RouterContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
