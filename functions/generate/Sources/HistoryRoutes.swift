import Accounts
import FunctionKit
import Foundation
import Hummingbird
import SQLKit

/// The user's history (search, star, delete, CSV) and the admins' usage report.
struct HistoryRoutes: Sendable {
    let services: GenerationServices
    let environment: FunctionEnvironment

    struct StarBody: Decodable { let starred: Bool }

    func add(to routes: FunctionRoutes) {
        routes.on(.get, "/api/generate/history") { request, context in
            let caller = try await services.authenticator.requireCaller(request, context: context)
            let rows = try await history(caller, request)
            return GenerationServices.json(.ok, ["generations": try rows.map(Self.entry)])
        }
        routes.on(.get, "/api/generate/history.csv") { request, context in
            let caller = try await services.authenticator.requireCaller(request, context: context)
            let rows = try await history(caller, request)
            var csv = "created_at,template,variant,field,text,provider,model\r\n"
            for row in rows {
                let entry = try Self.entry(row)
                let created = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(entry["created_at"] as? Int ?? 0)))
                for variant in entry["variants"] as? [[String: Any]] ?? [] {
                    for (field, text) in (variant["fields"] as? [String: String] ?? [:]).sorted(by: { $0.key < $1.key }) {
                        csv += [created, entry["template"] as? String ?? "", String(variant["variant"] as? Int ?? 0), field, text,
                                entry["provider"] as? String ?? "", entry["model"] as? String ?? ""].map(Self.csvField).joined(separator: ",") + "\r\n"
                    }
                }
            }
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                                                   .contentDisposition: #"attachment; filename="generations.csv""#],
                            body: .init(byteBuffer: ByteBuffer(string: csv)))
        }
        routes.on(.post, "/api/generate/history/{id}/star") { request, context in
            let caller = try await services.authenticator.requireCaller(request, context: context)
            let body = try await request.decodeJSON(StarBody.self, limit: 1024)
            guard try await services.generations.setStarred(body.starred, id: try context.parameters.require("id"), userID: caller.userID) else {
                throw APIError.notFound("No generation of yours has that id.")
            }
            return GenerationServices.json(.ok, ["starred": body.starred])
        }
        routes.on(.delete, "/api/generate/history/{id}") { request, context in
            let caller = try await services.authenticator.requireCaller(request, context: context)
            guard try await services.generations.delete(id: try context.parameters.require("id"), userID: caller.userID) else {
                throw APIError.notFound("No generation of yours has that id.")
            }
            return Response(status: .noContent, headers: [.cacheControl: "no-store"])
        }
        routes.on(.get, "/api/generate/admin/usage") { request, context in
            try environment.requireAdminAddress(context)
            let caller = try await services.authenticator.requireCaller(request, context: context)
            try caller.require(.admin)
            let days = try Self.number(request, "days", default: 30, range: 1...366)
            let rows = try await services.generations.usage(since: Int(Date().timeIntervalSince1970) - days * 86_400)
            let lines = try rows.map { row -> [String: Any] in
                ["day": ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(try row.decode(column: "day", as: Int.self)))).prefix(10),
                 "template": try row.decode(column: "template_id", as: String.self), "provider": try row.decode(column: "provider", as: String.self),
                 "generations": try row.decode(column: "generations", as: Int.self), "tokens_in": try row.decode(column: "tokens_in", as: Int.self),
                 "tokens_out": try row.decode(column: "tokens_out", as: Int.self),
                 "cost_usd": Double(try row.decode(column: "cost_micros", as: Int.self)) / 1_000_000,
                 "cached_variants": try row.decode(column: "cached_variants", as: Int.self),
                 "saved_usd": Double(try row.decode(column: "saved_micros", as: Int.self)) / 1_000_000]
            }
            return GenerationServices.json(.ok, ["days": days, "usage": lines])
        }
    }

    func history(_ caller: Caller, _ request: Request) async throws -> [any SQLRow] {
        let query = request.uri.queryParameters
        let search = query["q"].map(String.init).flatMap { $0.isEmpty ? nil : String($0.prefix(100)) }
        let limit = try Self.number(request, "limit", default: 50, range: 1...500)
        return try await services.generations.history(userID: caller.userID, search: search, starredOnly: query["starred"] == "1", limit: limit)
    }

    static func number(_ request: Request, _ name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.uri.queryParameters[Substring(name)].map(String.init), !text.isEmpty else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.invalid(name, "'\(name)' must be a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        return value
    }

    static func entry(_ row: any SQLRow) throws -> [String: Any] {
        let inputs = try JSONSerialization.jsonObject(with: Data(try row.decode(column: "inputs", as: String.self).utf8))
        let variants = try JSONSerialization.jsonObject(with: Data(try row.decode(column: "variants", as: String.self).utf8))
        return ["id": try row.decode(column: "id", as: String.self), "template": try row.decode(column: "template_id", as: String.self),
                "inputs": inputs, "variants": variants, "provider": try row.decode(column: "provider", as: String.self),
                "model": try row.decode(column: "model", as: String.self), "tokens_in": try row.decode(column: "tokens_in", as: Int.self),
                "tokens_out": try row.decode(column: "tokens_out", as: Int.self),
                "cost_usd": Double(try row.decode(column: "cost_micros", as: Int.self)) / 1_000_000,
                "cached_variants": try row.decode(column: "cached_variants", as: Int.self),
                "starred": try row.decode(column: "starred", as: Int.self) == 1, "created_at": try row.decode(column: "created_at", as: Int.self)]
    }

    /// RFC 4180, and a leading `=`, `+`, `-` or `@` neutralised so a spreadsheet never runs it
    /// as a formula.
    static func csvField(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@".contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
