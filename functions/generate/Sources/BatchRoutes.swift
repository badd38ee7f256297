import Accounts
import FunctionKit
import Foundation
import Hummingbird
import SQLKit

/// `POST /api/generate/batches {template, brand?, csv}` queues a job; its progress, its results
/// as CSV, and resuming a job a quota stopped.
struct BatchRoutes: Sendable {
    let services: GenerationServices
    let batches: BatchJobs

    struct Body: Decodable {
        let template: String
        let brand: String?
        let csv: String
    }

    func add(to routes: FunctionRoutes) {
        routes.on(.post, "/api/generate/batches") { request, context in
            let caller = try await services.authenticator.requireCaller(request, context: context)
            let body = try await request.decodeJSON(Body.self, limit: 2 << 20)
            let site = try services.site()
            guard let template = site.templates?.first(where: { $0.id == body.template }) else {
                throw APIError.invalid("template", "There is no template '\(body.template)'.")
            }
            if let brand = body.brand, !brand.isEmpty, site.brands?.contains(where: { $0.id == brand }) != true {
                throw APIError.invalid("brand", "There is no brand profile '\(brand)'.")
            }
            let rows = try BatchJobs.rows(fromCSV: body.csv, builder: PromptBuilder(template: template, brand: nil))
            let id = try await batches.create(caller: caller, template: template, brand: body.brand, rows: rows)
            return GenerationServices.json(.accepted, ["id": id, "total": rows.count, "status": "queued"])
        }
        routes.on(.get, "/api/generate/batches") { request, context in
            let caller = try await services.authenticator.requireCaller(request, context: context)
            let jobs = try await services.generations.store.withDatabase { db in
                try await db.raw("SELECT id FROM batch_jobs WHERE user_id = \(bind: caller.userID) ORDER BY created_at DESC LIMIT 100").all()
                    .map { try $0.decode(column: "id", as: String.self) }
            }
            var list: [[String: Any]] = []
            for id in jobs { if let job = try await progress(id, userID: caller.userID) { list.append(job) } }
            return GenerationServices.json(.ok, ["batches": list])
        }
        routes.on(.get, "/api/generate/batches/{id}") { request, context in
            let caller = try await services.authenticator.requireCaller(request, context: context)
            guard let job = try await progress(try context.parameters.require("id"), userID: caller.userID) else {
                throw APIError.notFound("No batch of yours has that id.")
            }
            return GenerationServices.json(.ok, job)
        }
        routes.on(.get, "/api/generate/batches/{id}/results.csv") { request, context in
            let caller = try await services.authenticator.requireCaller(request, context: context)
            let id = try context.parameters.require("id")
            guard try await progress(id, userID: caller.userID) != nil else { throw APIError.notFound("No batch of yours has that id.") }
            let rows = try await services.generations.store.withDatabase { db in
                try await db.raw("SELECT row_index, inputs, status, output, error FROM batch_rows WHERE job_id = \(bind: id) ORDER BY row_index").all()
            }
            var csv = "row,status,inputs,field,text,error\r\n"
            for row in rows {
                let index = String(try row.decode(column: "row_index", as: Int.self) + 1)
                let status = try row.decode(column: "status", as: String.self)
                let inputs = try row.decode(column: "inputs", as: String.self)
                let error = try row.decode(column: "error", as: String?.self) ?? ""
                let variants = (try row.decode(column: "output", as: String?.self)).flatMap {
                    try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [[String: Any]]
                } ?? []
                let fields = (variants.first?["fields"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }
                if fields.isEmpty {
                    csv += [index, status, inputs, "", "", error].map(HistoryRoutes.csvField).joined(separator: ",") + "\r\n"
                }
                for (field, text) in fields {
                    csv += [index, status, inputs, field, text, error].map(HistoryRoutes.csvField).joined(separator: ",") + "\r\n"
                }
            }
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                                                   .contentDisposition: #"attachment; filename="batch-\#(id).csv""#],
                            body: .init(byteBuffer: ByteBuffer(string: csv)))
        }
        routes.on(.post, "/api/generate/batches/{id}/resume") { request, context in
            let caller = try await services.authenticator.requireCaller(request, context: context)
            let id = try context.parameters.require("id")
            let resumed = try await services.generations.store.withDatabase { db in
                !(try await db.raw("""
                    UPDATE batch_jobs SET status = 'queued', message = NULL, updated_at = \(bind: GenerationStore.now())
                    WHERE id = \(bind: id) AND user_id = \(bind: caller.userID) AND status = 'stopped' RETURNING id
                    """).all()).isEmpty
            }
            guard resumed else { throw APIError(.conflict, code: "not_stopped", message: "Only a stopped batch can be resumed.") }
            return GenerationServices.json(.ok, try await progress(id, userID: caller.userID) ?? [:])
        }
    }

    func progress(_ id: String, userID: String) async throws -> [String: Any]? {
        struct Job: Sendable {
            let template: String, status: String, total: Int, message: String?, createdAt: Int
            let counts: [String: Int]
        }
        let found: Job? = try await services.generations.store.withDatabase { db in
            guard let job = try await db.raw("SELECT * FROM batch_jobs WHERE id = \(bind: id) AND user_id = \(bind: userID)").first() else { return nil }
            let counts = try await db.raw("SELECT status, COUNT(*) AS n FROM batch_rows WHERE job_id = \(bind: id) GROUP BY status").all()
            var byStatus: [String: Int] = [:]
            for row in counts { byStatus[try row.decode(column: "status", as: String.self)] = try row.decode(column: "n", as: Int.self) }
            return Job(template: try job.decode(column: "template_id", as: String.self), status: try job.decode(column: "status", as: String.self),
                       total: try job.decode(column: "total", as: Int.self), message: try job.decode(column: "message", as: String?.self),
                       createdAt: try job.decode(column: "created_at", as: Int.self), counts: byStatus)
        }
        guard let job = found else { return nil }
        return ["id": id, "template": job.template, "status": job.status, "total": job.total, "done": job.counts["done"] ?? 0,
                "failed": job.counts["failed"] ?? 0, "pending": (job.counts["pending"] ?? 0) + (job.counts["running"] ?? 0),
                "message": job.message as Any, "created_at": job.createdAt]
    }
}
