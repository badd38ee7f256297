import FunctionKit
import Foundation
import Learning
import SiteModel

/// The published courses as the progress function needs them: from the build's manifest,
/// re-read when a new build lands, so progress follows a publish without a restart.
struct CourseCatalog: Sendable {
    let file: ManifestFile

    func manifest() throws -> Manifest {
        do {
            return try file.manifest()
        } catch {
            throw APIError(.serviceUnavailable, code: "site_not_built", message: "The site's manifest is missing. Run `lectern build`.")
        }
    }

    struct Found {
        let manifest: Manifest
        let course: Manifest.CourseEntry
        let lesson: Manifest.LessonEntry
    }

    /// A lesson by id (ids contain `/`: in a URL the id is one percent-encoded segment).
    func lesson(_ rawID: String) throws -> Found {
        let id = rawID.removingPercentEncoding ?? rawID
        let manifest = try manifest()
        guard let (course, lesson) = manifest.lessons.first(where: { $0.lesson.id == id }) else {
            throw APIError.notFound("No lesson has the id '\(id)'.")
        }
        return Found(manifest: manifest, course: course, lesson: lesson)
    }

    func course(_ rawID: String) throws -> (Manifest, Manifest.CourseEntry) {
        let id = rawID.removingPercentEncoding ?? rawID
        let manifest = try manifest()
        guard let course = manifest.courses.first(where: { $0.id == id }) else {
            throw APIError.notFound("No course has the id '\(id)'.")
        }
        return (manifest, course)
    }
}

/// Percentages and "what next" for one course and one learner.
struct CourseProgress {
    let course: Manifest.CourseEntry
    let state: LearnerState

    var lessons: [Manifest.LessonEntry] { course.modules.flatMap(\.lessons) }

    static func percent(_ done: Int, of total: Int) -> Int {
        total == 0 ? 0 : Int((Double(done) * 100 / Double(total)).rounded(.down))
    }

    var completedCount: Int { lessons.filter { state.completedLessons.contains($0.id) }.count }
    var percent: Int { Self.percent(completedCount, of: lessons.count) }

    /// Every lesson complete and every quiz passed: the certificate's condition.
    var isFinished: Bool {
        lessons.allSatisfy { lesson in
            state.completedLessons.contains(lesson.id)
                && (lesson.quizzes ?? []).allSatisfy { state.passedQuizzes.contains("\(lesson.id)#\($0.id)") }
        }
    }

    /// The first lesson after `lessonID` (or the first not completed) in course order.
    func next(after lessonID: String?) -> Manifest.LessonEntry? {
        let all = lessons
        if let lessonID, let index = all.firstIndex(where: { $0.id == lessonID }), index + 1 < all.count {
            return all[index + 1]
        }
        return all.first { !state.completedLessons.contains($0.id) }
    }

    func json(lastLesson: String?) -> [String: Any] {
        let modules = course.modules.map { module -> [String: Any] in
            let done = module.lessons.filter { state.completedLessons.contains($0.id) }.count
            return ["id": module.id, "title": module.title, "completed": done, "total": module.lessons.count,
                    "percent": Self.percent(done, of: module.lessons.count)]
        }
        var lessonsJSON: [String: Any] = [:]
        for lesson in lessons {
            var entry: [String: Any] = ["completed": state.completedLessons.contains(lesson.id)]
            let quizzes = (lesson.quizzes ?? []).map(\.id)
            if !quizzes.isEmpty {
                entry["quizzes_passed"] = quizzes.filter { state.passedQuizzes.contains("\(lesson.id)#\($0)") }
            }
            lessonsJSON[lesson.id] = entry
        }
        let resume = lastLesson.flatMap { id in lessons.first { $0.id == id } } ?? next(after: nil) ?? lessons.first
        return ["course": course.id, "title": course.title, "url": course.url, "completed": completedCount, "total": lessons.count,
                "percent": percent, "modules": modules, "lessons": lessonsJSON,
                "continue": resume.map { ["id": $0.id, "title": $0.title, "url": $0.url] } as Any]
    }
}
