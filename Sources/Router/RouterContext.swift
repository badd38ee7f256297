import HTTPTypes
import Hummingbird
import NIOCore

/// The router's request context: Hummingbird's core storage plus the peer address, which the
/// proxy passes on in `X-Forwarded-For`.
public struct RouterContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    var clientIP: String {
        switch remoteAddress {
        case .some(.unixDomainSocket): "127.0.0.1"
        case .some(let address): address.ipAddress ?? "127.0.0.1"
        case .none: "127.0.0.1"
        }
    }
}
