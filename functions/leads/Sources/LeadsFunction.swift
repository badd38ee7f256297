import FunctionKit
import Foundation
import HTTPTypes
import Hummingbird
import Store

/// The newsletter and contact form of the marketing pages: `POST /api/leads`.
public enum LeadsFunction {
    public static let name = "leads"

    /// What `main` runs and what tests start: store opened and migrated, routes added.
    public static func buildApplication(config: FunctionConfig) async throws -> some ApplicationProtocol {
        try await FunctionApp.build(config: config, migrations: migrations, routes: addRoutes)
    }

    public static func addRoutes(to routes: FunctionRoutes, environment: FunctionEnvironment) {
        let repository = LeadRepository(store: environment.store)
        let limit = environment.config.maxBodyBytes
        routes.on(.post, "/api/leads") { request, context -> Response in
            let isForm = request.headers[.contentType].map { $0.lowercased().hasPrefix("application/x-www-form-urlencoded") } ?? false
            var submission: LeadSubmission?
            do {
                try environment.checkRateLimit(context, bucket: "leads")
                submission = try await LeadSubmission.read(request, limit: limit)
                let input = try submission!.validated()
                let result = try await repository.save(input, at: Date())
                context.logger.info("lead saved", metadata: ["created": "\(result.created)"])
                if isForm {
                    return redirect(to: submission?.redirect, query: "lead=ok")
                }
                let message = result.created ? "Thanks! You're on the list." : "You're already on the list: we've updated your details."
                let body = #"{"lead":{"email":"# + JSONText.quote(result.email) + #","created":"# + (result.created ? "true" : "false")
                    + #"},"message":"# + JSONText.quote(message) + "}"
                return Response(status: result.created ? .created : .ok,
                                headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                                body: .init(byteBuffer: ByteBuffer(string: body)))
            } catch let error as APIError where isForm && error.status != .contentTooLarge {
                // A browser without JavaScript goes back to the page, which shows the reason.
                var query = "lead=error&code=\(error.code)"
                if let field = error.field { query += "&field=\(field)" }
                return redirect(to: submission?.redirect, query: query)
            }
        }
    }

    static func redirect(to target: String?, query: String) -> Response {
        let path = LeadSubmission.safeRedirect(target) ?? "/"
        return Response(status: .seeOther, headers: [.location: path + (path.contains("?") ? "&" : "?") + query, .cacheControl: "no-store"])
    }

    public static let migrations = MigrationSet(owner: name, [
        Migration(1, "create leads") { db in
            try await db.raw("""
                CREATE TABLE leads (
                    id TEXT PRIMARY KEY,
                    email TEXT NOT NULL UNIQUE,
                    name TEXT,
                    source TEXT,
                    consent_at BIGINT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    submissions INTEGER NOT NULL DEFAULT 1
                )
                """).run()
            try await db.raw("CREATE INDEX leads_created_at ON leads (created_at)").run()
        },
    ])
}
