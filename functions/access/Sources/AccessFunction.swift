import Accounts
import FunctionKit
import Foundation
import HTTPTypes
import Hummingbird
import Learning
import SiteModel
import Store

/// The access decision for gated pages, asked by the router (or nginx `auth_request`) before it
/// serves a lesson's private page: `GET /api/access/check` with `X-Original-URI`. It decides
/// with `AccessPolicy`: who is calling (session cookie or access token), their entitlements,
/// progress and enrolment.
///
/// 204 serve the private page; 401 sign in first; 402 buy an offer; 403 not yet (a
/// prerequisite, or a date); 404 not a lesson. The body names the reason
/// (`{"error":{"code","message"}}`), which the teaser page shows.
///
/// nginx's `auth_request` takes only 2xx, 401 and 403 (anything else becomes a 500) and drops
/// the body, so a check sent with `X-Lectern-Auth-Request: 1` (the `lectern deploy nginx`
/// configuration) answers 403 instead of 402 and names the reason in `X-Lectern-Access`.
public enum AccessFunction {
    public static let name = "access"

    public static func buildApplication(config: FunctionConfig) async throws -> some ApplicationProtocol {
        try await FunctionApp.build(config: config, migrationSets: [AccountsSchema.migrations, LearningSchema.migrations], routes: addRoutes)
    }

    public static func addRoutes(to routes: FunctionRoutes, environment: FunctionEnvironment) throws {
        let manifest = ManifestFile(path: environment.config.privateDirectory + "/manifest.json")
        let authenticator = try Authenticator.from(environment)
        let learners = LearnerStore(store: environment.store)
        routes.on(.get, "/api/access/check") { request, context -> Response in
            guard let uri = request.headers[.xOriginalURI], uri.hasPrefix("/") else {
                throw APIError.badRequest("Send the page's path in the X-Original-URI header.", code: "missing_uri", field: "X-Original-URI")
            }
            let path = String(uri.prefix { $0 != "?" && $0 != "#" })
            guard let gate = try manifest.lesson(at: path) else {
                throw APIError.notFound("No lesson is published at \(path).")
            }
            // A bad or expired credential reads as "not signed in": the page is then the teaser.
            let caller = try? await authenticator.caller(request, context: context)
            var learner: LearnerState?
            if let caller {
                learner = try await learners.state(userID: caller.userID, readsEverything: caller.has(.admin) || caller.has(.author))
            }
            let site = try manifest.manifest()
            let decision = AccessPolicy.decide(lessonID: gate.lessonID, in: site, learner: learner)
            guard let error = denial(decision, manifest: site) else {
                return Response(status: .noContent, headers: [.cacheControl: "no-store"])
            }
            guard request.headers[.xLecternAuthRequest] == "1" else { throw error }
            var headers = error.headers
            headers[.xLecternAccess] = error.code
            throw APIError(error.status.code == 402 ? .forbidden : error.status, code: error.code,
                           message: error.message, field: error.field, headers: headers)
        }
    }

    /// The answer for a decision that is not "allow".
    static func denial(_ decision: AccessPolicy.Decision, manifest: Manifest) -> APIError? {
        let message = AccessPolicy.message(for: decision, manifest: manifest)
        let headers: HTTPFields = [.cacheControl: "no-store"]
        switch decision {
        case .allow:
            return nil
        case .signIn:
            return APIError(.unauthorized, code: decision.code, message: message, headers: headers)
        case .buy:
            return APIError(HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required"), code: decision.code, message: message, headers: headers)
        case .prerequisite, .opensAt:
            return APIError(.forbidden, code: decision.code, message: message, headers: headers)
        }
    }
}

extension HTTPField.Name {
    public static let xOriginalURI = Self("X-Original-URI")!
    /// Set by nginx's `auth_request` subrequest: answer in the status codes it understands.
    public static let xLecternAuthRequest = Self("X-Lectern-Auth-Request")!
    /// The reason for a denial, for the proxy to pass on with the teaser.
    public static let xLecternAccess = Self("X-Lectern-Access")!
}
