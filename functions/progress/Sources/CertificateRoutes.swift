import FunctionKit
import Foundation
import Hummingbird
import Learning

/// Public verification of a certificate by its id, and its PDF. Only the name, the course and
/// the date are shown: nothing else about the learner.
struct CertificateRoutes: Sendable {
    let services: ProgressServices

    func add(to routes: FunctionRoutes) {
        routes.on(.get, "/api/progress/certificates/{id}") { _, context in
            let certificate = try await find(context)
            return ProgressServices.json(.ok, Self.json(certificate, siteURL: services.siteURL))
        }
        routes.on(.get, "/api/progress/certificates/{id}/pdf") { _, context in
            let certificate = try await find(context)
            let siteName = (try? services.catalog.manifest().site.title) ?? "Lectern"
            let pdf = CertificatePDF.render(name: certificate.name, courseTitle: certificate.courseTitle, issuedAt: certificate.issuedAt,
                                            verifyURL: Self.verifyURL(certificate.id, siteURL: services.siteURL), siteName: siteName)
            return Response(status: .ok, headers: [.contentType: "application/pdf", .cacheControl: "public, max-age=3600",
                                                   .contentDisposition: #"attachment; filename="certificate-\#(certificate.id).pdf""#],
                            body: .init(byteBuffer: ByteBuffer(bytes: pdf)))
        }
    }

    func find(_ context: FunctionContext) async throws -> LearnerStore.Certificate {
        let id = try context.parameters.require("id")
        guard let certificate = try await services.learners.certificate(id: id) else {
            throw APIError.notFound("No certificate has the id '\(id)'. Check the link.")
        }
        return certificate
    }

    static func verifyURL(_ id: String, siteURL: String) -> String {
        "\(siteURL)/certificates/\(id)/"
    }

    static func json(_ certificate: LearnerStore.Certificate, siteURL: String) -> [String: Any] {
        ["id": certificate.id, "name": certificate.name, "course": certificate.courseID, "course_title": certificate.courseTitle,
         "issued_at": certificate.issuedAt, "url": verifyURL(certificate.id, siteURL: siteURL),
         "pdf_url": "/api/progress/certificates/\(certificate.id)/pdf"]
    }
}
