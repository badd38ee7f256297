import Accounts
import FunctionKit
import Foundation
import Hummingbird
import Learning
import SiteModel

/// Completing lessons, "continue where you left off", per-course progress and the dashboard.
struct LessonRoutes: Sendable {
    let services: ProgressServices

    struct Completion: Decodable { let completed: Bool }

    func add(to routes: FunctionRoutes) {
        routes.on(.get, "/api/progress") { request, context in try await dashboard(request, context) }
        routes.on(.get, "/api/progress/courses/{course}") { request, context in try await course(request, context) }
        routes.on(.put, "/api/progress/lessons/{lesson}") { request, context in try await complete(request, context) }
        routes.on(.post, "/api/progress/lessons/{lesson}/visit") { request, context in try await visit(request, context) }
    }

    func course(_ request: Request, _ context: FunctionContext) async throws -> Response {
        let (_, state) = try await services.learner(request, context)
        let (_, course) = try services.catalog.course(try context.parameters.require("course"))
        let last = try await services.learners.lastVisits(userID: state.userID)[course.id]
        var body = CourseProgress(course: course, state: state).json(lastLesson: last)
        if let certificate = try await services.learners.certificates(userID: state.userID).first(where: { $0.courseID == course.id }) {
            body["certificate"] = CertificateRoutes.json(certificate, siteURL: services.siteURL)
        }
        return ProgressServices.json(.ok, body)
    }

    /// PUT is idempotent: a resent click changes nothing. Completing the last lesson of a
    /// finished course issues its certificate (once).
    func complete(_ request: Request, _ context: FunctionContext) async throws -> Response {
        let (caller, state) = try await services.learner(request, context)
        let found = try services.catalog.lesson(try context.parameters.require("lesson"))
        let body = try await request.decodeJSON(Completion.self, limit: ProgressServices.bodyLimit)
        try services.requireOpen(found, for: state)
        var updated = state
        // A resent click (already in that state, already enrolled) writes nothing.
        if state.completedLessons.contains(found.lesson.id) != body.completed || state.enrolledAt[found.course.id] == nil {
            try await services.learners.setCompleted(body.completed, userID: caller.userID, lessonID: found.lesson.id, courseID: found.course.id)
            if body.completed { updated.completedLessons.insert(found.lesson.id) } else { updated.completedLessons.remove(found.lesson.id) }
            updated.enrolledAt[found.course.id] = updated.enrolledAt[found.course.id] ?? LearnerStore.now()
        }
        let progress = CourseProgress(course: found.course, state: updated)
        var answer: [String: Any] = ["lesson": found.lesson.id, "completed": body.completed,
                                     "course": ["id": found.course.id, "percent": progress.percent, "completed": progress.completedCount, "total": progress.lessons.count]]
        if let next = progress.next(after: found.lesson.id) {
            answer["next"] = ["id": next.id, "title": next.title, "url": next.url]
        }
        if progress.isFinished, let certificate = try await services.certificate(caller: caller, course: found.course) {
            answer["certificate"] = CertificateRoutes.json(certificate, siteURL: services.siteURL)
        }
        return ProgressServices.json(.ok, answer)
    }

    func visit(_ request: Request, _ context: FunctionContext) async throws -> Response {
        let (caller, state) = try await services.learner(request, context)
        let found = try services.catalog.lesson(try context.parameters.require("lesson"))
        try services.requireOpen(found, for: state)
        try await services.learners.visit(userID: caller.userID, lessonID: found.lesson.id, courseID: found.course.id)
        return Response(status: .noContent, headers: [.cacheControl: "no-store"])
    }

    /// My courses (enrolled, or bought), with percentages, where to continue, and certificates.
    func dashboard(_ request: Request, _ context: FunctionContext) async throws -> Response {
        let (_, state) = try await services.learner(request, context)
        let manifest = try services.catalog.manifest()
        let visits = try await services.learners.lastVisits(userID: state.userID)
        let certificates = try await services.learners.certificates(userID: state.userID)
        let scores = try await services.learners.quizScores(userID: state.userID)
        let owned = Set(manifest.offers.filter { !state.offers.isDisjoint(with: [$0.id]) }.flatMap(\.courses))
        let courses = manifest.courses.filter { state.enrolledAt[$0.id] != nil || owned.contains($0.id) }.map { course -> [String: Any] in
            var entry = CourseProgress(course: course, state: state).json(lastLesson: visits[course.id])
            entry.removeValue(forKey: "lessons")
            entry["quizzes"] = course.modules.flatMap(\.lessons).flatMap { lesson in
                (lesson.quizzes ?? []).map { quiz -> [String: Any] in
                    let score = scores["\(lesson.id)#\(quiz.id)"]
                    return ["lesson": lesson.id, "quiz": quiz.id, "title": quiz.title, "url": lesson.url,
                            "best_score": score?.best as Any, "passed": score?.passed ?? false, "attempts": score?.attempts ?? 0]
                }
            }
            if let certificate = certificates.first(where: { $0.courseID == course.id }) {
                entry["certificate"] = CertificateRoutes.json(certificate, siteURL: services.siteURL)
            }
            return entry
        }
        return ProgressServices.json(.ok, ["courses": courses,
                                           "certificates": certificates.map { CertificateRoutes.json($0, siteURL: services.siteURL) }])
    }
}
