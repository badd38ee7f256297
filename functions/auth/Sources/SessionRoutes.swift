import Accounts
import FunctionKit
import Foundation
import Hummingbird

/// The account page's list of signed-in devices, each revocable.
struct SessionRoutes: Sendable {
    let services: AuthServices

    func add(to routes: FunctionRoutes) {
        routes.on(.get, "/api/auth/sessions") { request, context in
            let caller = try await services.authenticator.requireCaller(request, context: context)
            let current: String? = if case .session(let id, _) = caller.credential { id } else { nil }
            let sessions = try await services.sessions.list(userID: caller.userID).map { session -> [String: Any] in
                ["id": session.id, "created_at": session.createdAt, "last_seen_at": session.lastSeenAt,
                 "ip": session.ip as Any, "user_agent": session.userAgent as Any, "current": session.id == current]
            }
            return AuthServices.json(.ok, ["sessions": sessions])
        }
        routes.on(.delete, "/api/auth/sessions/{id}") { request, context in
            let caller = try await services.authenticator.requireCaller(request, context: context)
            let id = try context.parameters.require("id")
            guard try await services.sessions.revoke(id: id, userID: caller.userID) else {
                throw APIError.notFound("No active session with that id.")
            }
            try await services.audit.record("session_revoked", userID: caller.userID, ip: context.clientAddress, detail: id)
            if case .session(let currentID, _) = caller.credential, currentID == id {
                return AuthServices.noContent(cookies: services.settings.clearingCookies())
            }
            return AuthServices.noContent()
        }
    }
}
