import AsyncHTTPClient
import FunctionKit
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The nginx `auth_request` pattern: before serving a page the manifest marks as gated, ask the
/// access function. 2xx serves the private page; 401/402/403 serve the public teaser with the
/// reason; anything else — an error, a timeout, the function down — fails closed with 503.
struct AccessGate: Sendable {
    enum Decision: Equatable {
        case allow
        case deny(status: Int, reason: String)
        case unavailable
    }

    let manifest: ManifestFile
    let privateDirectory: String
    let supervisor: FunctionSupervisor
    let client: HTTPClient
    let function: String
    let logger: Logger

    /// The gate for `path`, when it is a lesson with a private page.
    func gate(for path: String) -> ManifestFile.Gate? {
        guard let gate = try? manifest.lesson(at: path), gate.privatePath != nil else { return nil }
        return gate
    }

    func decide(path: String, request: Request, requestID: String) async -> Decision {
        guard let (urlPrefix, state) = supervisor.endpoint(for: function), state == .up else { return .unavailable }
        var check = HTTPClientRequest(url: urlPrefix + "/api/\(function)/check")
        check.method = .GET
        check.headers.add(name: "X-Original-URI", value: path)
        check.headers.add(name: "X-Request-Id", value: requestID)
        for name in [HTTPField.Name.cookie, .authorization] {
            if let value = request.headers[name] { check.headers.add(name: name.rawName, value: value) }
        }
        do {
            let response = try await client.execute(check, timeout: .seconds(3))
            let body = try await response.body.collect(upTo: 16 * 1024)
            switch response.status.code {
            case 200..<300:
                return .allow
            case 401, 402, 403:
                return .deny(status: Int(response.status.code), reason: Self.code(in: body) ?? "access_denied")
            default:
                logger.error("access check answered \(response.status.code)", metadata: ["path": "\(path)", "request_id": "\(requestID)"])
                return .unavailable
            }
        } catch {
            logger.error("access check failed", metadata: ["path": "\(path)", "error": "\(error)", "request_id": "\(requestID)"])
            return .unavailable
        }
    }

    static func code(in body: ByteBuffer) -> String? {
        struct Envelope: Decodable { struct Inner: Decodable { let code: String }; let error: Inner }
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(buffer: body)) else { return nil }
        let code = envelope.error.code
        return code.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) ? code : nil
    }
}
