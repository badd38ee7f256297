import Accounts
import FunctionKit
import Foundation
import Logging
import SQLKit
import SiteModel
import Store

/// Batch generation: a CSV of inputs (one row per product, say) becomes one generation per row.
/// Jobs and rows live in the database; the worker in every process of the function claims one
/// pending row at a time with a lease, and saves the row's generation in the same transaction
/// that marks it done. A process killed mid-row leaves its claim to expire, and the row is
/// generated again later — never saved twice, never lost.
struct BatchJobs: Sendable {
    let services: GenerationServices
    /// Seconds a claim lasts; past it, another worker may take the row (`BATCH_LEASE_SECONDS`).
    let lease: Int

    static let maxRows = 1000

    /// Parses the CSV (a header of input names, then one row per generation) and validates every
    /// row against the template; 422 names `rows[N].<input>`.
    static func rows(fromCSV text: String, builder: PromptBuilder) throws -> [[String: String]] {
        let table = CSV.parse(text)
        guard let header = table.first?.map({ $0.trimmingCharacters(in: .whitespaces) }), !header.isEmpty else {
            throw APIError.invalid("csv", "The CSV is empty: put the input names in the first row, one generation per row below.")
        }
        let known = Set(builder.template.inputs.map(\.name))
        if let unknown = header.first(where: { !known.contains($0) }) {
            throw APIError.invalid("csv", "The column '\(unknown)' is not an input of this template (inputs: \(builder.template.inputs.map(\.name).joined(separator: ", "))).")
        }
        let body = table.dropFirst().filter { !$0.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
        guard !body.isEmpty else { throw APIError.invalid("csv", "The CSV has a header but no rows.") }
        guard body.count <= maxRows else { throw APIError.invalid("csv", "At most \(maxRows) rows per batch; this one has \(body.count).") }
        return try body.enumerated().map { index, cells in
            var inputs: [String: String] = [:]
            for (column, name) in header.enumerated() where column < cells.count { inputs[name] = cells[column] }
            do {
                return try builder.validated(inputs)
            } catch let error as APIError {
                throw APIError.invalid("rows[\(index + 1)].\(error.field?.replacingOccurrences(of: "inputs.", with: "") ?? "")", "Row \(index + 1): \(error.message)")
            }
        }
    }

    func create(caller: Caller, template: PromptTemplate, brand: String?, rows: [[String: String]]) async throws -> String {
        let id = UUID().uuidString.lowercased()
        let now = GenerationStore.now()
        try await services.generations.store.transaction { db in
            try await db.raw("""
                INSERT INTO batch_jobs (id, user_id, template_id, brand_id, status, total, created_at, updated_at)
                VALUES (\(bind: id), \(bind: caller.userID), \(bind: template.id), \(bind: brand), 'queued', \(bind: rows.count), \(bind: now), \(bind: now))
                """).run()
            for (index, inputs) in rows.enumerated() {
                let json = String(decoding: try JSONSerialization.data(withJSONObject: inputs, options: [.sortedKeys]), as: UTF8.self)
                try await db.raw("""
                    INSERT INTO batch_rows (job_id, row_index, inputs, status) VALUES (\(bind: id), \(bind: index), \(bind: json), 'pending')
                    """).run()
            }
        }
        return id
    }

    struct Claim: Sendable {
        let jobID: String
        let row: Int
        let inputs: [String: String]
        let userID: String
        let templateID: String
        let brandID: String?
    }

    /// Takes the next pending row, or one whose claim ran out (its worker died).
    func claim(now: Int = GenerationStore.now()) async throws -> Claim? {
        try await services.generations.store.transaction { db in
            guard let row = try await db.raw("""
                SELECT r.job_id, r.row_index, r.inputs, j.user_id, j.template_id, j.brand_id FROM batch_rows r JOIN batch_jobs j ON j.id = r.job_id
                WHERE j.status IN ('queued', 'running')
                  AND (r.status = 'pending' OR (r.status = 'running' AND r.claimed_until < \(bind: now)))
                ORDER BY j.created_at, r.row_index LIMIT 1
                """).first() else { return nil }
            let jobID = try row.decode(column: "job_id", as: String.self)
            let index = try row.decode(column: "row_index", as: Int.self)
            try await db.raw("""
                UPDATE batch_rows SET status = 'running', claimed_until = \(bind: now + lease)
                WHERE job_id = \(bind: jobID) AND row_index = \(bind: index)
                """).run()
            try await db.raw("UPDATE batch_jobs SET status = 'running', updated_at = \(bind: now) WHERE id = \(bind: jobID) AND status = 'queued'").run()
            let inputs = try JSONSerialization.jsonObject(with: Data(try row.decode(column: "inputs", as: String.self).utf8)) as? [String: String] ?? [:]
            return Claim(jobID: jobID, row: index, inputs: inputs, userID: try row.decode(column: "user_id", as: String.self),
                         templateID: try row.decode(column: "template_id", as: String.self), brandID: try row.decode(column: "brand_id", as: String?.self))
        }
    }

    /// Generates one claimed row and saves it with the row marked done, in one transaction.
    func work(_ claim: Claim) async throws {
        let site = try services.site()
        let store = services.generations.store
        guard let template = site.templates?.first(where: { $0.id == claim.templateID }) else {
            try await finish(claim, error: "The template '\(claim.templateID)' is no longer published.")
            return
        }
        let brand = claim.brandID.flatMap { id in site.brands?.first { $0.id == id } }
        let caller = Caller(userID: claim.userID, email: nil, name: nil, roles: [.student], credential: .accessToken)
        let quota: Quota.Status
        do {
            quota = try await Quota(services: services).check(caller: caller, site: site)
        } catch let error as APIError {
            // Out of generations: the job stops here; the rows left stay pending for a resume.
            try await store.withDatabase { db in
                try await db.raw("""
                    UPDATE batch_rows SET status = 'pending', claimed_until = NULL WHERE job_id = \(bind: claim.jobID) AND row_index = \(bind: claim.row)
                    """).run()
                try await db.raw("""
                    UPDATE batch_jobs SET status = 'stopped', message = \(bind: error.message), updated_at = \(bind: GenerationStore.now()) WHERE id = \(bind: claim.jobID)
                    """).run()
            }
            return
        }
        let job = GenerateRoutes.Job(caller: caller, template: template, builder: PromptBuilder(template: template, brand: brand),
                                     inputs: claim.inputs, count: 1, fresh: false, quota: quota)
        do {
            let answer = try await GenerateRoutes(services: services).run(job, emit: { _, _ in }) { record in
                try await store.transaction { db in
                    // Only the worker still holding the claim may finish the row.
                    let owned = try await db.raw("""
                        UPDATE batch_rows SET status = 'done', generation_id = \(bind: record.id), output = \(bind: record.variants), claimed_until = NULL
                        WHERE job_id = \(bind: claim.jobID) AND row_index = \(bind: claim.row) AND status = 'running'
                        RETURNING row_index
                        """).first()
                    guard owned != nil else { return }
                    try await GenerationStore.save(record, on: db)
                }
            }
            _ = answer
            try await closeIfFinished(claim.jobID)
        } catch {
            try await finish(claim, error: GenerateRoutes.errorObject(error)["message"] as? String ?? "failed")
        }
    }

    func finish(_ claim: Claim, error: String) async throws {
        try await services.generations.store.withDatabase { db in
            try await db.raw("""
                UPDATE batch_rows SET status = 'failed', error = \(bind: error), claimed_until = NULL
                WHERE job_id = \(bind: claim.jobID) AND row_index = \(bind: claim.row)
                """).run()
        }
        try await closeIfFinished(claim.jobID)
    }

    func closeIfFinished(_ jobID: String) async throws {
        let now = GenerationStore.now()
        try await services.generations.store.withDatabase { db in
            try await db.raw("""
                UPDATE batch_jobs SET status = 'done', updated_at = \(bind: now)
                WHERE id = \(bind: jobID) AND status = 'running'
                  AND NOT EXISTS (SELECT 1 FROM batch_rows WHERE job_id = \(bind: jobID) AND status IN ('pending', 'running'))
                """).run()
        }
    }

    /// The worker loop: one row at a time, a short pause when there is nothing to do.
    func runWorker(idle: Duration = .milliseconds(500)) async {
        while !Task.isCancelled {
            do {
                if let claim = try await claim() {
                    try await work(claim)
                    continue
                }
            } catch {
                services.logger.error("batch worker", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: idle)
        }
    }
}

/// RFC 4180 CSV: quoted fields with doubled quotes, commas and line breaks inside quotes.
enum CSV {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(text.unicodeScalars)[...]
        while let scalar = iterator.popFirst() {
            if quoted {
                if scalar == "\"" {
                    if iterator.first == "\"" { field.unicodeScalars.append("\""); iterator = iterator.dropFirst() } else { quoted = false }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"": quoted = true
            case ",": row.append(field); field = ""
            case "\r": continue
            case "\n": row.append(field); rows.append(row); row = []; field = ""
            default: field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
