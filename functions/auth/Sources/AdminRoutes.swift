import Accounts
import FunctionKit
import Foundation
import Hummingbird

/// What admins read: the security log.
struct AdminRoutes: Sendable {
    let services: AuthServices
    let environment: FunctionEnvironment

    func add(to routes: FunctionRoutes) {
        routes.on(.get, "/api/auth/admin/audit") { request, context in
            try environment.requireAdminAddress(context)
            let caller = try await services.authenticator.requireCaller(request, context: context)
            try caller.require(.admin)
            let limitText = request.uri.queryParameters["limit"].map(String.init)
            var limit = 100
            if let limitText {
                guard let value = Int(limitText), (1...1000).contains(value) else {
                    throw APIError.invalid("limit", "'limit' must be a whole number from 1 to 1000.")
                }
                limit = value
            }
            let user = request.uri.queryParameters["user"].map(String.init)
            let events = try await services.audit.events(userID: user, limit: limit).map { event -> [String: Any] in
                ["id": event.id, "at": event.at, "user_id": event.userID as Any, "event": event.event, "ip": event.ip as Any, "detail": event.detail as Any]
            }
            return AuthServices.json(.ok, ["events": events])
        }
    }
}
