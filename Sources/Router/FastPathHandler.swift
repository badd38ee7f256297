import FunctionKit
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Synchronization

/// What every connection's `FastPathHandler` shares.
struct FastPath: Sendable {
    let files: StaticFiles
    let previews: PreviewSites?
    let supervisor: FunctionSupervisor
    let pool: UpstreamPool
    let liveReload: Bool
    let deadline: TimeAmount
    let maxBodyBytes: Int
    let logger: Logger

    /// Largest reply body read whole before replying; longer or unsized bodies stream.
    static let collectLimit = 8 << 20

    /// Headers that describe one connection, not the message (RFC 9110 §7.6.1).
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
        "te", "trailer", "transfer-encoding", "upgrade",
    ]
}

/// Puts a `FastPathHandler` in front of Hummingbird's HTTP/1 ↔ HTTPTypes codec, then leaves.
///
/// Hummingbird adds its extra handlers after that codec; the fast path wants SwiftNIO's HTTP/1
/// parts from before it, so it takes its place from here.
final class FastPathInstaller: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    private let shared: FastPath

    init(_ shared: FastPath) {
        self.shared = shared
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        let handler = FastPathHandler(shared)
        if let codec = try? pipeline.handler(type: HTTP1ToHTTPServerCodec.self) {
            try? pipeline.addHandler(handler, position: .before(codec))
        } else {
            try? pipeline.addHandler(handler, position: .after(self))
        }
        pipeline.removeHandler(context: context, promise: nil)
    }
}

/// The router's two hot paths, answered on the connection's event loop before Hummingbird's
/// responder sees the request: a public page already served once (`StaticFiles.memo`), and
/// `/api/<function>/…` forwarded to the function over a pooled Unix-socket connection on the
/// same loop. Every other request goes on to `SiteResponder` untouched.
///
/// Why not in the responder: a request there hops from the event loop onto a Swift task and
/// back, and an AsyncHTTPClient exchange adds more hops and allocations — about 300 µs per
/// proxied request on these machines, three times the router's budget. Here a proxied request
/// costs its socket reads and writes.
///
/// The function exchange: hop-by-hop headers stripped both ways, `X-Forwarded-For`/`-Proto`
/// and `X-Request-Id` set (client-sent values dropped), the request body capped (413), a
/// deadline on the whole exchange (504), and a JSON 503 with `Retry-After` while the function
/// is down or when it fails before its reply is complete. A reply of known length is read
/// whole before it is sent, so a function dying mid-body never leaves the client with a
/// truncated reply; unsized replies (server-sent events) stream.
///
/// Responses leave in request order: while Hummingbird still owes an answer, a request this
/// handler would answer waits (and reading pauses) until that answer has been written.
///
/// It sits before Hummingbird's HTTP/1 ↔ HTTPTypes codec (`FastPathInstaller` puts it there) and
/// works on SwiftNIO's own HTTP/1 parts: the requests it answers are never converted to
/// `HTTPRequest` and their answers never from `HTTPResponse`, and a function's request and
/// reply pass through with their headers filtered, not rebuilt.
final class FastPathHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum Phase {
        case idle
        /// The current request's parts go on to Hummingbird.
        case passing
        /// The current request is answered; its body is dropped.
        case discarding
        /// Reading a proxied request's body.
        case collecting
        /// Waiting for, or relaying, the function's reply.
        case proxying
        /// Answered with `Connection: close`: nothing more is read.
        case closing
    }

    /// One request to a function, from its head to the end of the reply.
    private struct Exchange {
        let function: String
        let socketPath: String
        let request: HTTPRequestHead
        let requestID: String
        let closeAfter: Bool
        var body: ByteBuffer
        var connection: UpstreamConnection?
        var reused = false
        var retried = false
        var deadline: Scheduled<Void>?
        var reply: HTTPResponseHead?
        /// The reply body while it is read whole; nil when streaming.
        var collected: ByteBuffer?
        var replyStarted = false
        var upstreamKeepAlive = true
    }

    private let shared: FastPath
    private var context: ChannelHandlerContext?
    private var phase = Phase.idle
    private var exchange: Exchange?
    /// Requests handed to Hummingbird whose response has not ended yet.
    private var responderOwes = 0
    /// Parts that arrived while an earlier answer was pending, replayed in order.
    private var held: [HTTPServerRequestPart] = []
    private var readWithheld = false
    private var quiesceHeld = false

    init(_ shared: FastPath) {
        self.shared = shared
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if !held.isEmpty || !handle(part, context: context) {
            held.append(part)
        }
    }

    /// Acts on one part; false when it must wait for an earlier answer (the caller holds it).
    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) -> Bool {
        switch (phase, part) {
        case (.passing, .end):
            phase = .idle
            context.fireChannelRead(wrapInboundOut(part))
        case (.passing, _):
            context.fireChannelRead(wrapInboundOut(part))
        case (.discarding, .end):
            phase = .idle
        case (.discarding, _), (.closing, _):
            break
        case (.collecting, .body(let chunk)):
            exchange?.body.writeImmutableBuffer(chunk)
            if let body = exchange?.body, body.readableBytes > shared.maxBodyBytes {
                refuse(.tooLarge(limit: shared.maxBodyBytes), context: context)
            }
        case (.collecting, .end):
            phase = .proxying
            sendUpstream(context: context)
        case (.collecting, .head), (.proxying, _):
            return false
        case (.idle, .head(let head)):
            return route(head, context: context)
        case (.idle, _):
            // Body parts of a request Hummingbird answered before reading it all: Hummingbird drains them.
            context.fireChannelRead(wrapInboundOut(part))
        }
        return true
    }

    /// Answers `head` here or hands it to Hummingbird; false when it must wait its turn.
    private func route(_ head: HTTPRequestHead, context: ChannelHandlerContext) -> Bool {
        let rawPath = Self.pathWithoutQuery(head.uri)
        if let memo = publicPage(head, rawPath: rawPath) {
            guard responderOwes == 0 else { return false }
            var headers = memo.headers
            headers.add(name: "X-Request-Id", value: Self.requestID(head.headers))
            let closeAfter = !head.isKeepAlive
            write(HTTPResponseHead(version: head.version, status: .ok, headers: headers), body: memo.bytes,
                  context: context, close: closeAfter)
            phase = closeAfter ? .closing : .discarding
            return true
        }
        if let function = functionName(rawPath) {
            guard responderOwes == 0 else { return false }
            startExchange(head, function: function, context: context)
            return true
        }
        responderOwes += 1
        phase = .passing
        context.fireChannelRead(wrapInboundOut(.head(head)))
        return true
    }

    /// A memoised public page for a plain GET (no validators, no range, no preview host).
    private func publicPage(_ head: HTTPRequestHead, rawPath: String) -> (headers: HTTPHeaders, bytes: ByteBuffer)? {
        guard head.method == .GET, !shared.liveReload, !head.headers.contains(name: "if-none-match"),
              !head.headers.contains(name: "range") else { return nil }
        if let previews = shared.previews,
           previews.site(forHost: head.headers.first(name: "host").map { String($0.prefix { $0 != ":" }) }) != nil {
            return nil
        }
        return shared.files.memo(for: rawPath).map { ($0.wireHeaders, $0.bytes) }
    }

    /// `leads` for `/api/leads/…` when a function of that name exists; the API description and
    /// unknown names are the responder's (it answers them with the document or a JSON 404).
    private func functionName(_ rawPath: String) -> String? {
        // Decoded first, so `/%61pi/…` is an API path too and never a static file.
        guard let path = StaticFiles.decodedPath(rawPath), path.hasPrefix("/api/") else { return nil }
        let rest = path.utf8.dropFirst(5)
        let name = String(Substring(rest.prefix { $0 != UInt8(ascii: "/") }))
        guard !name.isEmpty, name != "openapi.json", shared.supervisor.socket(for: name) != nil else { return nil }
        return name
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
        // (An answer to a request it never got is Hummingbird's 400 for unparsable input.)
        if case .end = unwrapOutboundIn(data), responderOwes > 0 {
            responderOwes -= 1
            if responderOwes == 0 { resumeHeld(context: context) }
        }
    }

    func read(context: ChannelHandlerContext) {
        // Backpressure: nothing more is read while parts wait for their turn. (Not merely while a
        // function answers: pausing and resuming reads costs two `epoll_ctl` calls per request.)
        if !held.isEmpty || phase == .closing {
            readWithheld = true
            return
        }
        context.read()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Graceful shutdown closes idle connections; one with a function reply pending is not idle.
        if event is ChannelShouldQuiesceEvent, phase == .collecting || phase == .proxying {
            quiesceHeld = true
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let exchange {
            // The client left: its function connection is not reused (a reply may still be coming).
            exchange.deadline?.cancel()
            exchange.connection?.handler.onEvent = nil
            exchange.connection?.channel.close(promise: nil)
            self.exchange = nil
        }
        held.removeAll()
        context.fireChannelInactive()
    }

    /// Replays held parts once nothing earlier is owed.
    private func resumeHeld(context: ChannelHandlerContext) {
        var replayed = false
        while !held.isEmpty {
            let part = held.removeFirst()
            if !handle(part, context: context) {
                held.insert(part, at: 0)
                break
            }
            replayed = true
        }
        // Outside a socket read, so no read-complete follows on its own: Hummingbird's channel
        // hands buffered parts to its responder (and flushes) only when it sees one.
        if replayed { context.fireChannelReadComplete() }
        if held.isEmpty, readWithheld, phase != .proxying, phase != .closing {
            readWithheld = false
            context.read()
        }
    }

    // MARK: The function exchange

    private func startExchange(_ head: HTTPRequestHead, function: String, context: ChannelHandlerContext) {
        let requestID = Self.requestID(head.headers)
        let declared = head.headers.first(name: "content-length").flatMap { Int($0) }
        let socketPath = shared.supervisor.socket(for: function)?.path ?? ""
        exchange = Exchange(function: function, socketPath: socketPath, request: head, requestID: requestID,
                            closeAfter: !head.isKeepAlive,
                            body: context.channel.allocator.buffer(capacity: min(declared ?? 0, shared.maxBodyBytes)))
        phase = .collecting
        if let declared, declared > shared.maxBodyBytes {
            refuse(.tooLarge(limit: shared.maxBodyBytes), context: context)
        }
    }

    /// Answers the current exchange with `error` before anything was forwarded; the rest of its
    /// body is read and dropped, as Hummingbird does, so the connection stays usable.
    private func refuse(_ error: APIError, context: ChannelHandlerContext) {
        guard let current = exchange else { return }
        exchange = nil
        phase = current.closeAfter ? .closing : .discarding
        write(Self.errorResponse(error, requestID: current.requestID, version: current.request.version),
              body: ByteBuffer(string: error.jsonBody), context: context, close: current.closeAfter)
    }

    private func sendUpstream(context: ChannelHandlerContext) {
        guard let current = exchange else { return }
        guard let socket = shared.supervisor.socket(for: current.function), socket.state == .up else {
            return fail(Self.unavailable(current.function, restarting: true), context: context)
        }
        if exchange?.deadline == nil {
            exchange?.deadline = context.eventLoop.assumeIsolated().scheduleTask(in: shared.deadline) { [self] in
                timedOut()
            }
        }
        if let connection = shared.pool.take(socketPath: socket.path, on: context.eventLoop) {
            exchange?.reused = true
            dispatch(on: connection, context: context)
            return
        }
        exchange?.reused = false
        let requestID = current.requestID
        shared.pool.connect(socketPath: socket.path, on: context.eventLoop).assumeIsolated().whenComplete { [self] result in
            switch result {
            case .success(let connection):
                guard let context = self.context, self.exchange?.requestID == requestID, self.exchange?.connection == nil else {
                    // The exchange ended meanwhile (deadline, client gone): keep the connection for the next.
                    return shared.pool.give(connection, socketPath: socket.path)
                }
                dispatch(on: connection, context: context)
            case .failure(let error):
                guard let context = self.context, self.exchange?.requestID == requestID else { return }
                shared.logger.warning("proxy connect failed", metadata: [
                    "function": "\(current.function)", "error": "\(error)", "request_id": "\(requestID)"])
                fail(Self.unavailable(current.function, restarting: false), context: context)
            }
        }
    }

    private func dispatch(on connection: UpstreamConnection, context: ChannelHandlerContext) {
        guard let current = exchange else { return }
        exchange?.connection = connection
        connection.handler.onEvent = { [self] event in
            guard let context = self.context else { return }
            upstream(event, context: context)
        }
        var headers = HTTPHeaders()
        let listed = Self.connectionTokens(current.request.headers["connection"])
        headers.reserveCapacity(current.request.headers.count + 4)
        for (name, value) in current.request.headers {
            let lowered = name.lowercased()
            if FastPath.hopByHop.contains(lowered) || listed.contains(lowered) { continue }
            // The body is already whole (sent with its own length), so `Expect` has been met.
            if lowered == "x-forwarded-for" || lowered == "x-forwarded-proto" || lowered == "x-request-id"
                || lowered == "content-length" || lowered == "expect" { continue }
            headers.add(name: name, value: value)
        }
        // Only the address this router saw is trusted downstream; a client-sent chain is dropped.
        headers.add(name: "X-Forwarded-For", value: Self.clientIP(context.channel.remoteAddress))
        headers.add(name: "X-Forwarded-Proto", value: "http")
        headers.add(name: "X-Request-Id", value: current.requestID)
        let method = current.request.method
        let hasBody = current.body.readableBytes > 0 || method == .POST || method == .PUT || method == .PATCH
        if hasBody { headers.add(name: "Content-Length", value: String(current.body.readableBytes)) }
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: current.request.uri, headers: headers)
        let channel = connection.channel
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if hasBody, current.body.readableBytes > 0 {
            channel.write(HTTPClientRequestPart.body(.byteBuffer(current.body)), promise: nil)
        }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }

    private func upstream(_ event: UpstreamEvent, context: ChannelHandlerContext) {
        guard exchange != nil else { return }
        switch event {
        case .head(let head):
            // Interim 1xx replies are the function's business with this router, not the client's.
            guard head.status.code >= 200 else { return }
            let listed = Self.connectionTokens(head.headers["connection"])
            exchange?.upstreamKeepAlive = head.isKeepAlive
            var headers = HTTPHeaders()
            headers.reserveCapacity(head.headers.count + 3)
            for (name, value) in head.headers {
                let lowered = name.lowercased()
                if FastPath.hopByHop.contains(lowered) || listed.contains(lowered) || lowered == "x-request-id" { continue }
                headers.add(name: name, value: value)
            }
            headers.add(name: "X-Request-Id", value: exchange?.requestID ?? "")
            var reply = HTTPResponseHead(version: exchange?.request.version ?? .http1_1, status: head.status, headers: headers)
            Self.stamp(&reply.headers)
            exchange?.reply = reply
            if let length = head.headers.first(name: "content-length").flatMap({ Int($0) }), length <= FastPath.collectLimit {
                exchange?.collected = context.channel.allocator.buffer(capacity: length)
            } else {
                exchange?.replyStarted = true
                context.writeAndFlush(wrapOutboundOut(.head(reply)), promise: nil)
            }
        case .body(let chunk):
            if exchange?.collected != nil {
                exchange?.collected?.writeImmutableBuffer(chunk)
            } else if exchange?.replyStarted == true {
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(chunk))), promise: nil)
            }
        case .end:
            guard let finished = exchange else { return }
            exchange = nil
            finished.deadline?.cancel()
            if let connection = finished.connection {
                connection.handler.onEvent = nil
                if finished.upstreamKeepAlive, connection.channel.isActive {
                    shared.pool.give(connection, socketPath: finished.socketPath)
                } else {
                    connection.channel.close(promise: nil)
                }
            }
            if let collected = finished.collected, let reply = finished.reply {
                write(reply, body: collected, context: context, close: finished.closeAfter)
            } else {
                let flushed = context.writeAndFlush(wrapOutboundOut(.end(nil)))
                if finished.closeAfter { flushed.assumeIsolated().whenComplete { _ in context.close(promise: nil) } }
            }
            finish(closing: finished.closeAfter, context: context)
        case .failed(let error):
            guard let current = exchange else { return }
            current.connection?.channel.close(promise: nil)
            // A kept connection the function closed while idle: one fresh try for a request
            // that is safe to repeat. Anything else is the function failing this request.
            if current.reused, !current.retried, current.reply == nil,
               [.GET, .HEAD, .OPTIONS].contains(current.request.method) {
                exchange?.retried = true
                exchange?.connection = nil
                exchange?.reused = false
                return sendUpstream(context: context)
            }
            shared.logger.warning("proxy error", metadata: [
                "function": "\(current.function)", "error": "\(error)", "request_id": "\(current.requestID)"])
            fail(Self.unavailable(current.function, restarting: false), context: context)
        }
    }

    private func timedOut() {
        guard let context, let current = exchange else { return }
        current.connection?.handler.onEvent = nil
        current.connection?.channel.close(promise: nil)
        fail(APIError(.gatewayTimeout, code: "function_timeout",
                      message: "The \(current.function) service took too long to answer. Try again."), context: context)
    }

    /// Ends the exchange with `error`, or by closing the connection when the reply had begun.
    private func fail(_ error: APIError, context: ChannelHandlerContext) {
        guard let current = exchange else { return }
        exchange = nil
        current.deadline?.cancel()
        current.connection?.handler.onEvent = nil
        if current.replyStarted {
            phase = .closing
            context.close(promise: nil)
            return
        }
        write(Self.errorResponse(error, requestID: current.requestID, version: current.request.version),
              body: ByteBuffer(string: error.jsonBody), context: context, close: current.closeAfter)
        finish(closing: current.closeAfter, context: context)
    }

    private func finish(closing: Bool, context: ChannelHandlerContext) {
        phase = closing ? .closing : .idle
        if quiesceHeld {
            quiesceHeld = false
            context.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        if !closing { resumeHeld(context: context) }
    }

    // MARK: Helpers

    private func write(_ response: HTTPResponseHead, body: ByteBuffer, context: ChannelHandlerContext, close: Bool) {
        var response = response
        Self.stamp(&response.headers)
        context.write(wrapOutboundOut(.head(response)), promise: nil)
        if body.readableBytes > 0 { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        let flushed = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if close { flushed.assumeIsolated().whenComplete { _ in context.close(promise: nil) } }
    }

    /// `Date` and `Server`, as Hummingbird adds to the responder's answers.
    private static func stamp(_ headers: inout HTTPHeaders) {
        if !headers.contains(name: "date") { headers.add(name: "Date", value: HTTPDate.now()) }
        headers.replaceOrAdd(name: "Server", value: "lectern")
    }

    static func errorResponse(_ error: APIError, requestID: String, version: HTTPVersion) -> HTTPResponseHead {
        var fields = SiteResponder.jsonFields(error)
        fields[.xRequestID] = requestID
        return HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: error.status.code),
                                headers: HTTPHeaders(fields))
    }

    static func unavailable(_ function: String, restarting: Bool) -> APIError {
        APIError(.serviceUnavailable, code: "function_unavailable",
                 message: restarting ? "The \(function) service is restarting. Try again in a moment."
                                     : "The \(function) service is not answering. Try again in a moment.",
                 headers: [.retryAfter: "1"])
    }

    static func requestID(_ headers: HTTPHeaders) -> String {
        SiteResponder.requestID(incoming: headers.first(name: "x-request-id"))
    }

    /// The request target up to `?`, found on bytes (no grapheme breaking on the hot path).
    static func pathWithoutQuery(_ target: String) -> String {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return target }
        return String(target[..<mark])
    }

    static func connectionTokens(_ values: [String]) -> Set<String> {
        guard !values.isEmpty else { return [] }
        return Set(values.flatMap { $0.split(separator: ",") }.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        })
    }

    static func clientIP(_ address: SocketAddress?) -> String {
        switch address {
        case .some(.unixDomainSocket), .none: "127.0.0.1"
        case .some(let address): address.ipAddress ?? "127.0.0.1"
        }
    }
}

/// The `Date` header value, formatted once per second.
enum HTTPDate {
    private static let cache = Mutex<(second: Int, text: String)>((0, ""))

    static func now() -> String {
        let second = Int(time(nil))
        if let text = cache.withLock({ $0.second == second ? $0.text : nil }) { return text }
        var value = time_t(second)
        var parts = tm()
        gmtime_r(&value, &parts)
        var buffer = [Int8](repeating: 0, count: 40)
        let count = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
        let text = String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        cache.withLock { $0 = (second, text) }
        return text
    }
}
