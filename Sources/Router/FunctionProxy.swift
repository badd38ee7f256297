import AsyncHTTPClient
import FunctionKit
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// Forwards `/api/<function>/…` to that function's process over its Unix socket: hop-by-hop
/// headers stripped, `X-Forwarded-*` and `X-Request-Id` set, the body capped (413), a deadline
/// on the whole exchange (504), and a JSON 503 with `Retry-After` while the function is down.
struct FunctionProxy: Sendable {
    let supervisor: FunctionSupervisor
    let client: HTTPClient
    let deadline: TimeAmount
    let maxBodyBytes: Int
    let logger: Logger

    /// Headers that describe one connection, not the message (RFC 9110 §7.6.1).
    /// Largest response body read whole before replying (see `forward`).
    static let collectLimit = 8 << 20

    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
        "te", "trailer", "transfer-encoding", "upgrade",
    ]

    func forward(_ request: Request, function name: String, context: RouterContext, requestID: String) async throws -> Response {
        guard let (urlPrefix, state) = supervisor.endpoint(for: name) else {
            throw APIError.notFound("No function is called '\(name)'.")
        }
        guard state == .up else {
            throw APIError(.serviceUnavailable, code: "function_unavailable",
                           message: "The \(name) service is restarting. Try again in a moment.",
                           headers: [.retryAfter: "1"])
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBodyBytes {
            throw APIError.tooLarge(limit: maxBodyBytes)
        }
        let body = try await request.collectBody(limit: maxBodyBytes)

        var outbound = HTTPClientRequest(url: urlPrefix + request.uri.description)
        outbound.method = HTTPMethod(rawValue: request.method.rawValue)
        let connectionListed = Set((request.headers[.connection] ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        })
        for field in request.headers {
            let lowered = field.name.canonicalName
            if Self.hopByHop.contains(lowered) || connectionListed.contains(lowered) { continue }
            if lowered == "x-forwarded-for" || lowered == "x-forwarded-proto" || lowered == "x-request-id" { continue }
            outbound.headers.add(name: field.name.rawName, value: field.value)
        }
        // Only the address this router saw is trusted downstream; a client-sent chain is dropped.
        outbound.headers.replaceOrAdd(name: "X-Forwarded-For", value: context.clientIP)
        outbound.headers.replaceOrAdd(name: "X-Forwarded-Proto", value: "http")
        outbound.headers.replaceOrAdd(name: "X-Request-Id", value: requestID)
        if body.readableBytes > 0 || request.method == .post || request.method == .put || request.method == .patch {
            outbound.body = .bytes(body)
        }

        let response: HTTPClientResponse
        var collected: ByteBuffer?
        do {
            response = try await client.execute(outbound, deadline: .now() + deadline, logger: nil)
            // A body of known, bounded length is read whole before anything is sent, so a function
            // that dies mid-body yields a clean 503 the client can retry, never a truncated reply.
            // Bodies without a length (server-sent events) stream as they are written.
            if let length = response.headers.first(name: "content-length").flatMap({ Int($0) }),
               length <= Self.collectLimit {
                collected = try await response.body.collect(upTo: length)
            }
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw APIError(.gatewayTimeout, code: "function_timeout",
                           message: "The \(name) service took too long to answer. Try again.")
        } catch {
            logger.warning("proxy error", metadata: ["function": "\(name)", "error": "\(error)", "request_id": "\(requestID)"])
            throw APIError(.serviceUnavailable, code: "function_unavailable",
                           message: "The \(name) service is not answering. Try again in a moment.",
                           headers: [.retryAfter: "1"])
        }

        var headers = HTTPFields()
        let responseConnectionListed = Set(response.headers["connection"].flatMap { $0.split(separator: ",") }.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        })
        for (name, value) in response.headers {
            let lowered = name.lowercased()
            if Self.hopByHop.contains(lowered) || responseConnectionListed.contains(lowered) { continue }
            if let fieldName = HTTPField.Name(name) { headers.append(HTTPField(name: fieldName, value: value)) }
        }
        headers[.xRequestID] = requestID
        let status = HTTPResponse.Status(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase)
        if let collected {
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: collected))
        }
        return Response(status: status, headers: headers, body: ResponseBody(asyncSequence: response.body))
    }
}
