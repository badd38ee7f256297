import Accounts
import FunctionKit
import Foundation
import Hummingbird
import Learning

/// The authors' view of a course: completion and drop-off per lesson, answers per question.
struct ReportRoutes: Sendable {
    let services: ProgressServices

    func add(to routes: FunctionRoutes) {
        routes.on(.get, "/api/progress/report/{course}") { request, context in
            let caller = try await services.authenticator.requireCaller(request, context: context)
            try caller.require(.author)
            let (_, course) = try services.catalog.course(try context.parameters.require("course"))
            let report = try await CourseReport.make(course: course, store: services.learners.store)
            return ProgressServices.json(.ok, report.json)
        }
    }
}
