import Accounts
import FunctionKit
import Foundation
import HTTPTypes
import Hummingbird
import Learning
import SiteModel
import Store

/// Learning progress: lessons completed, the last lesson visited, quiz attempts graded on the
/// server, the learner's dashboard, and certificates. `/api/progress/…`
public enum ProgressFunction {
    public static let name = "progress"

    public static func buildApplication(config: FunctionConfig) async throws -> some ApplicationProtocol {
        try await FunctionApp.build(config: config, migrationSets: [AccountsSchema.migrations, LearningSchema.migrations], routes: addRoutes)
    }

    public static func addRoutes(to routes: FunctionRoutes, environment: FunctionEnvironment) throws {
        let services = ProgressServices(
            authenticator: try Authenticator.from(environment),
            catalog: CourseCatalog(file: ManifestFile(path: environment.config.privateDirectory + "/manifest.json")),
            learners: LearnerStore(store: environment.store),
            siteURL: SessionSettings(siteURL: environment.config.siteURL).siteURL)
        LessonRoutes(services: services).add(to: routes)
        QuizRoutes(services: services).add(to: routes)
        CertificateRoutes(services: services).add(to: routes)
        ReportRoutes(services: services).add(to: routes)
    }
}

/// What the progress routes share.
struct ProgressServices: Sendable {
    let authenticator: Authenticator
    let catalog: CourseCatalog
    let learners: LearnerStore
    let siteURL: String

    static let bodyLimit = 64 * 1024

    /// The caller and their learning state (authors and admins read everything).
    func learner(_ request: Request, _ context: FunctionContext) async throws -> (Caller, LearnerState) {
        let caller = try await authenticator.requireCaller(request, context: context)
        let state = try await learners.state(userID: caller.userID, readsEverything: caller.has(.admin) || caller.has(.author))
        return (caller, state)
    }

    /// 403 naming why, when the lesson is not open to this learner: completing or grading a
    /// locked lesson is refused like reading it.
    func requireOpen(_ found: CourseCatalog.Found, for state: LearnerState) throws {
        let decision = AccessPolicy.decide(lesson: found.lesson, course: found.course, manifest: found.manifest, learner: state)
        guard decision != .allow else { return }
        throw APIError(.forbidden, code: decision.code, message: AccessPolicy.message(for: decision, manifest: found.manifest))
    }

    /// Issues the course's certificate (once) when every lesson is complete and every quiz
    /// passed. It shows the account's name only — never the email — so the public
    /// verification page says nothing else about the learner.
    func certificateIfFinished(caller: Caller, course: Manifest.CourseEntry, readsEverything: Bool) async throws -> LearnerStore.Certificate? {
        let state = try await learners.state(userID: caller.userID, readsEverything: readsEverything)
        guard CourseProgress(course: course, state: state).isFinished else { return nil }
        return try await certificate(caller: caller, course: course)
    }

    /// The course's certificate, issued now if it was not yet.
    func certificate(caller: Caller, course: Manifest.CourseEntry) async throws -> LearnerStore.Certificate? {
        let name = caller.name.flatMap { $0.isEmpty ? nil : $0 } ?? "Learner"
        return try await learners.issueCertificate(userID: caller.userID, courseID: course.id, name: name, courseTitle: course.title)
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        JSONResponse.make(status, object)
    }
}
