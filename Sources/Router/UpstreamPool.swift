import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Keep-alive HTTP/1.1 connections to the functions' Unix sockets, kept per event loop: a
/// proxied request is answered on the loop its client connection lives on, with no thread hop.
final class UpstreamPool: Sendable {
    private struct Key: Hashable {
        let socketPath: String
        let loop: ObjectIdentifier
    }

    private let idle = Mutex<[Key: [UpstreamConnection]]>([:])
    /// Idle connections kept per socket and loop; more are closed when they come back.
    static let maxIdle = 32

    /// An idle, still open connection to `socketPath` on `loop`, if there is one.
    func take(socketPath: String, on loop: any EventLoop) -> UpstreamConnection? {
        let key = Key(socketPath: socketPath, loop: ObjectIdentifier(loop))
        return idle.withLock { pools in
            while let connection = pools[key]?.popLast() {
                if connection.channel.isActive { return connection }
            }
            return nil
        }
    }

    /// Puts a connection whose exchange ended cleanly back for the next request.
    func give(_ connection: UpstreamConnection, socketPath: String) {
        let key = Key(socketPath: socketPath, loop: ObjectIdentifier(connection.channel.eventLoop))
        let kept = idle.withLock { pools in
            guard (pools[key]?.count ?? 0) < Self.maxIdle else { return false }
            pools[key, default: []].append(connection)
            return true
        }
        if !kept { connection.channel.close(promise: nil) }
    }

    /// A new connection on `loop`, so its callbacks run where the client connection's do.
    func connect(socketPath: String, on loop: any EventLoop) -> EventLoopFuture<UpstreamConnection> {
        ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandler())
                }
            }
            .connect(unixDomainSocketPath: socketPath)
            .flatMapThrowing { channel in
                let handler = try channel.pipeline.syncOperations.handler(type: UpstreamHandler.self)
                return UpstreamConnection(channel: channel, handler: handler)
            }
    }

    /// Closes every idle connection (the router is stopping).
    func closeAll() {
        let all = idle.withLock { pools in
            defer { pools.removeAll() }
            return pools.values.flatMap { $0 }
        }
        for connection in all { connection.channel.close(promise: nil) }
    }
}

/// One connection to a function and the handler that reports its replies.
///
/// `@unchecked Sendable`: it is only stored in the pool from other threads; its handler is
/// touched only on its channel's event loop, where every exchange runs.
final class UpstreamConnection: @unchecked Sendable {
    let channel: any Channel
    let handler: UpstreamHandler

    init(channel: any Channel, handler: UpstreamHandler) {
        self.channel = channel
        self.handler = handler
    }
}

/// What a function's connection tells the exchange using it.
enum UpstreamEvent {
    case head(HTTPResponseHead)
    case body(ByteBuffer)
    case end
    /// The connection closed or failed before the reply ended.
    case failed(any Error)
}

/// Passes a function's reply parts to whichever exchange currently owns the connection.
final class UpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    /// Set by the exchange that owns the connection, cleared when it ends.
    var onEvent: ((UpstreamEvent) -> Void)?

    struct ConnectionClosed: Error {}

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): onEvent?(.head(head))
        case .body(let body): onEvent?(.body(body))
        case .end: onEvent?(.end)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let callback = onEvent
        onEvent = nil
        callback?(.failed(ConnectionClosed()))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let callback = onEvent
        onEvent = nil
        callback?(.failed(error))
        context.close(promise: nil)
    }
}
