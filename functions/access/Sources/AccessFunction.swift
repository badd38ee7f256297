import FunctionKit
import Foundation
import HTTPTypes
import Hummingbird
import SiteModel
import Store

/// The access decision for gated pages, asked by the router (or nginx `auth_request`) before it
/// serves a lesson's private page: `GET /api/access/check` with `X-Original-URI`.
///
/// 204 serve the private page; 401 sign in first; 402 buy an offer; 403 not allowed; 404 not a
/// lesson. Until accounts and entitlements exist (the accounts and payments issues), nobody
/// holds an entitlement, so every paid lesson answers 402.
public enum AccessFunction {
    public static let name = "access"

    public static func buildApplication(config: FunctionConfig) async throws -> some ApplicationProtocol {
        try await FunctionApp.build(config: config, migrations: nil, routes: addRoutes)
    }

    public static func addRoutes(to routes: FunctionRoutes, environment: FunctionEnvironment) {
        let manifest = ManifestFile(path: environment.config.privateDirectory + "/manifest.json")
        routes.on(.get, "/api/access/check") { request, context -> Response in
            guard let uri = request.headers[.xOriginalURI], uri.hasPrefix("/") else {
                throw APIError.badRequest("Send the page's path in the X-Original-URI header.", code: "missing_uri", field: "X-Original-URI")
            }
            let path = String(uri.prefix { $0 != "?" && $0 != "#" })
            guard let gate = try manifest.lesson(at: path) else {
                throw APIError.notFound("No lesson is published at \(path).")
            }
            switch decide(gate) {
            case .allow:
                return Response(status: .noContent, headers: [.cacheControl: "no-store"])
            case .deny(let error):
                throw error
            }
        }
    }

    enum Decision {
        case allow
        case deny(APIError)
    }

    static func decide(_ gate: ManifestFile.Gate) -> Decision {
        switch gate.access {
        case .free, .preview:
            return .allow
        case .paid:
            return .deny(APIError(HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required"), code: "payment_required",
                                  message: "This lesson is part of a paid offer. Buy the course to read it."))
        }
    }
}

extension HTTPField.Name {
    public static let xOriginalURI = Self("X-Original-URI")!
}
