import Accounts
import AsyncHTTPClient
import FunctionKit
import Foundation
import HTTPTypes
import Hummingbird
import OpenIDConnect
import SQLKit

/// "Continue with Google / Microsoft": the OpenID Connect code flow with PKCE. The browser
/// leaves with a `state` bound to it by a short-lived cookie and comes back to the callback,
/// where the id token is verified and the account found by (issuer, subject).
///
/// An existing password account is linked only when the provider vouches for the address
/// (`email_verified`), or when its owner starts the flow while signed in (account page).
struct ProviderRoutes: Sendable {
    let services: AuthServices
    let clients: [String: OIDCClient]

    static let stateCookie = "lectern_oidc"
    static let loginLifetime = 10 * 60

    init(services: AuthServices, providers: [OIDCProviderConfig], httpClient: HTTPClient) {
        self.services = services
        self.clients = Dictionary(providers.map { ($0.id, OIDCClient(provider: $0, httpClient: httpClient)) }) { first, _ in first }
        self.order = providers.map(\.id)
    }

    let order: [String]

    func add(to routes: FunctionRoutes) {
        routes.on(.get, "/api/auth/providers") { _, _ in
            let list = order.compactMap { clients[$0] }.map { client -> [String: Any] in
                ["id": client.provider.id, "name": client.provider.name, "start_url": "/api/auth/oidc/\(client.provider.id)/start"]
            }
            return AuthServices.json(.ok, ["providers": list])
        }
        routes.on(.get, "/api/auth/oidc/{provider}/start") { request, context in try await start(request, context) }
        routes.on(.get, "/api/auth/oidc/{provider}/callback") { request, context in try await callback(request, context) }
    }

    func client(_ context: FunctionContext) throws -> OIDCClient {
        let id = try context.parameters.require("provider")
        guard let client = clients[id] else {
            throw APIError.notFound("No sign-in provider called '\(id)' is configured.")
        }
        return client
    }

    func redirectURI(_ provider: String) -> String {
        services.settings.siteURL + "/api/auth/oidc/\(provider)/callback"
    }

    /// Only a path on this site: `/x/`, never `//host` or a full URL.
    static func safeReturn(_ text: String?) -> String {
        guard let text, text.hasPrefix("/"), !text.hasPrefix("//"), !text.contains("\\"), text.count <= 500,
              !text.contains(where: { $0.isNewline }) else { return "/account/" }
        return text
    }

    func start(_ request: Request, _ context: FunctionContext) async throws -> Response {
        let client = try client(context)
        let returnTo = Self.safeReturn(request.uri.queryParameters["return_to"].map(String.init))
        // Signed in already: this connects the provider to the current account.
        let linkUserID = try? await services.authenticator.caller(request, context: context)?.userID
        let authorization: AuthorizationRequest
        do {
            authorization = try await client.authorizationRequest(redirectURI: redirectURI(client.provider.id))
        } catch {
            context.logger.error("provider discovery failed", metadata: ["provider": "\(client.provider.id)", "error": "\(error)"])
            return redirect(to: "/account/signin/?error=provider_unavailable")
        }
        let now = AuthServices.now()
        try await services.store.withDatabase { db in
            try await db.raw("DELETE FROM oidc_logins WHERE expires_at < \(bind: now)").run()
            try await db.raw("""
                INSERT INTO oidc_logins (state_hash, provider, nonce, code_verifier, return_to, link_user_id, expires_at)
                VALUES (\(bind: SecureToken.digest(authorization.state)), \(bind: client.provider.id), \(bind: authorization.nonce),
                        \(bind: authorization.codeVerifier), \(bind: returnTo), \(bind: linkUserID ?? nil), \(bind: now + Self.loginLifetime))
                """).run()
        }
        let cookie = "\(Self.stateCookie)=\(authorization.state); Path=/api/auth/oidc/; HttpOnly; SameSite=Lax; Max-Age=\(Self.loginLifetime)"
            + (services.settings.secureCookie ? "; Secure" : "")
        return redirect(to: authorization.url, cookies: [cookie])
    }

    enum Outcome: Sendable {
        case signedIn(userID: String, returnTo: String)
        case refused(String)
    }

    func callback(_ request: Request, _ context: FunctionContext) async throws -> Response {
        let client = try client(context)
        let query = request.uri.queryParameters
        let clearState = "\(Self.stateCookie)=; Path=/api/auth/oidc/; HttpOnly; SameSite=Lax; Max-Age=0" + (services.settings.secureCookie ? "; Secure" : "")
        func refuse(_ code: String) -> Response {
            redirect(to: "/account/signin/?error=\(code)", cookies: [clearState])
        }
        if query["error"] != nil { return refuse("provider_cancelled") }
        guard let state = query["state"].map(String.init), let code = query["code"].map(String.init),
              let bound = request.cookies[Self.stateCookie]?.value, SecureToken.constantTimeEquals(bound, state) else {
            return refuse("provider_state")
        }
        let now = AuthServices.now()
        let pending = try await services.store.withDatabase { db in
            try await db.raw("""
                DELETE FROM oidc_logins WHERE state_hash = \(bind: SecureToken.digest(state)) AND provider = \(bind: client.provider.id)
                RETURNING nonce, code_verifier, return_to, link_user_id, expires_at
                """).first()
        }
        guard let pending, try pending.decode(column: "expires_at", as: Int.self) > now else { return refuse("provider_state") }
        let claims: IdentityClaims
        do {
            claims = try await client.finish(code: code, codeVerifier: try pending.decode(column: "code_verifier", as: String.self),
                                             redirectURI: redirectURI(client.provider.id),
                                             expectedNonce: try pending.decode(column: "nonce", as: String.self))
        } catch {
            context.logger.warning("provider sign-in refused", metadata: ["provider": "\(client.provider.id)", "error": "\(error)"])
            try await services.audit.record("provider_signin_failed", userID: nil, ip: context.clientAddress, detail: "\(client.provider.id): \(error)")
            return refuse("provider_failed")
        }
        let returnTo = try pending.decode(column: "return_to", as: String.self)
        let linkUserID = try pending.decode(column: "link_user_id", as: String?.self)
        let outcome = try await services.store.transaction { db in
            try await account(for: claims, provider: client.provider.id, linking: linkUserID, returnTo: returnTo, context: context, on: db)
        }
        switch outcome {
        case .refused(let code):
            return refuse(code)
        case .signedIn(let userID, let target):
            return try await services.store.transaction { db in
                let started = try await services.sessions.start(userID: userID, ip: context.clientAddress, userAgent: request.headers[.userAgent], on: db)
                return redirect(to: target, cookies: [clearState, services.settings.sessionCookie(started.token), services.settings.hintCookieValue()])
            }
        }
    }

    /// Finds, links or creates the account for a verified identity.
    func account(for claims: IdentityClaims, provider: String, linking linkUserID: String?, returnTo: String,
                 context: FunctionContext, on db: any SQLDatabase) async throws -> Outcome {
        let now = AuthServices.now()
        let email = claims.email.map(EmailRules.normalise)
        if let row = try await db.raw("SELECT user_id FROM identities WHERE issuer = \(bind: claims.issuer) AND subject = \(bind: claims.subject)").first() {
            let userID = try row.decode(column: "user_id", as: String.self)
            if let linkUserID, linkUserID != userID { return .refused("provider_linked_elsewhere") }
            guard let user = try await UserRecord.find(id: userID, on: db), user.disabledAt == nil else { return .refused("account_disabled") }
            try await services.audit.record("signin", userID: userID, ip: context.clientAddress, detail: provider, on: db)
            return .signedIn(userID: userID, returnTo: returnTo)
        }
        func link(_ userID: String) async throws {
            try await db.raw("""
                INSERT INTO identities (issuer, subject, user_id, provider, email, created_at)
                VALUES (\(bind: claims.issuer), \(bind: claims.subject), \(bind: userID), \(bind: provider), \(bind: email), \(bind: now))
                """).run()
            try await services.audit.record("provider_linked", userID: userID, ip: context.clientAddress, detail: provider, on: db)
        }
        if let linkUserID {
            try await link(linkUserID)
            return .signedIn(userID: linkUserID, returnTo: returnTo)
        }
        if let email, let existing = try await UserRecord.find(email: email, on: db) {
            // Linking by address alone would let anyone who controls an unverified address at
            // the provider take over the account.
            guard claims.emailVerified else { return .refused("provider_email_unverified") }
            guard existing.disabledAt == nil else { return .refused("account_disabled") }
            try await link(existing.id)
            if existing.emailVerifiedAt == nil {
                try await db.raw("UPDATE users SET email_verified_at = \(bind: now) WHERE id = \(bind: existing.id)").run()
            }
            try await services.audit.record("signin", userID: existing.id, ip: context.clientAddress, detail: provider, on: db)
            return .signedIn(userID: existing.id, returnTo: returnTo)
        }
        let id = UUID().uuidString.lowercased()
        let storedEmail = claims.emailVerified ? email : nil
        try await db.raw("""
            INSERT INTO users (id, email, email_verified_at, name, roles, created_at, updated_at)
            VALUES (\(bind: id), \(bind: storedEmail), \(bind: storedEmail == nil ? nil : now), \(bind: claims.name.map { String($0.prefix(100)) }), 'student', \(bind: now), \(bind: now))
            """).run()
        try await services.audit.record("signup", userID: id, ip: context.clientAddress, detail: provider, on: db)
        try await link(id)
        return .signedIn(userID: id, returnTo: returnTo)
    }

    func redirect(to location: String, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .found, headers: headers)
    }
}
