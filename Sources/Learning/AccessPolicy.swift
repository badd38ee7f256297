import Foundation
import SiteModel

/// What one learner has, as the access rules need it.
public struct LearnerState: Sendable, Equatable {
    public var userID: String
    /// Offers the learner holds an unrevoked entitlement to.
    public var offers: Set<String>
    /// Course id → enrolment time (Unix seconds), for drip.
    public var enrolledAt: [String: Int]
    public var completedLessons: Set<String>
    /// `lesson-id#quiz-id` of every quiz passed at least once.
    public var passedQuizzes: Set<String>
    /// Admins and authors read everything (to check their course).
    public var readsEverything: Bool

    public init(userID: String, offers: Set<String> = [], enrolledAt: [String: Int] = [:], completedLessons: Set<String> = [],
                passedQuizzes: Set<String> = [], readsEverything: Bool = false) {
        self.userID = userID
        self.offers = offers
        self.enrolledAt = enrolledAt
        self.completedLessons = completedLessons
        self.passedQuizzes = passedQuizzes
        self.readsEverything = readsEverything
    }
}

/// The access rules of a lesson: `free` (anyone), `preview` (signed in), `paid` (an entitlement
/// to an offer that includes the course), then prerequisites (`requires:` lessons completed or
/// `lesson#quiz` passed) and drip (`available_after_days:` from enrolment, `available_from:`).
/// The router's access check, the progress API and the pages all decide with this one function.
public enum AccessPolicy {
    public enum Decision: Sendable, Equatable {
        case allow
        case signIn
        /// Buy one of these offers (ids, with the site's names for the message).
        case buy(offers: [String])
        /// Finish this first: a lesson (completed) or a lesson's quiz (passed).
        case prerequisite(lessonID: String, quizID: String?, title: String)
        /// Opens at this time (Unix seconds).
        case opensAt(Int)

        /// The stable code that the teaser page and the API show.
        public var code: String {
            switch self {
            case .allow: "allowed"
            case .signIn: "sign_in_required"
            case .buy: "payment_required"
            case .prerequisite: "prerequisite_required"
            case .opensAt: "not_yet_available"
            }
        }
    }

    public static func decide(lessonID: String, in manifest: Manifest, learner: LearnerState?, now: Int = Int(Date().timeIntervalSince1970)) -> Decision {
        guard let (course, lesson) = manifest.lessons.first(where: { $0.lesson.id == lessonID }) else { return .allow }
        return decide(lesson: lesson, course: course, manifest: manifest, learner: learner, now: now)
    }

    public static func decide(lesson: Manifest.LessonEntry, course: Manifest.CourseEntry, manifest: Manifest,
                              learner: LearnerState?, now: Int = Int(Date().timeIntervalSince1970)) -> Decision {
        let rulesBeyondAccess = !(lesson.requires ?? []).isEmpty || lesson.availableAfterDays != nil || lesson.availableFrom != nil
        switch lesson.access {
        case .free where !rulesBeyondAccess:
            return .allow
        case .free, .preview:
            guard learner != nil else { return .signIn }
        case .paid:
            // A free offer that lists the course describes its free lessons; only a paid offer
            // unlocks paid ones. A visitor who is not signed in is told what to buy (the teaser
            // also offers "already have access? sign in").
            let granting = manifest.offers.filter { $0.courses.contains(course.id) && $0.price > 0 }.map(\.id)
            let buy = Decision.buy(offers: granting.isEmpty ? [course.offer].compactMap { $0 } : granting)
            guard let learner else { return buy }
            if !learner.readsEverything && learner.offers.isDisjoint(with: granting) { return buy }
        }
        guard let learner, !learner.readsEverything else { return .allow }
        if let from = lesson.availableFrom.flatMap(parseDay), now < from {
            return .opensAt(from)
        }
        if let days = lesson.availableAfterDays {
            // Not enrolled yet: the clock starts now, so the lesson is `days` away.
            let start = learner.enrolledAt[course.id] ?? now
            let opens = start + days * 86_400
            if now < opens { return .opensAt(opens) }
        }
        for requirement in lesson.requires ?? [] {
            let parts = requirement.split(separator: "#", maxSplits: 1).map(String.init)
            let lessonID = parts[0]
            let title = manifest.lessons.first { $0.lesson.id == lessonID }?.lesson.title ?? lessonID
            if parts.count == 2 {
                if !learner.passedQuizzes.contains(requirement) {
                    return .prerequisite(lessonID: lessonID, quizID: parts[1], title: title)
                }
            } else if !learner.completedLessons.contains(lessonID) {
                return .prerequisite(lessonID: lessonID, quizID: nil, title: title)
            }
        }
        return .allow
    }

    /// `YYYY-MM-DD` at 00:00 UTC.
    static func parseDay(_ text: String) -> Int? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        var components = DateComponents()
        components.year = parts[0]
        components.month = parts[1]
        components.day = parts[2]
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: components).map { Int($0.timeIntervalSince1970) }
    }

    /// A sentence for the teaser page and API errors.
    public static func message(for decision: Decision, manifest: Manifest) -> String {
        switch decision {
        case .allow: return "You can read this lesson."
        case .signIn: return "Sign in to read this lesson."
        case .buy(let offers):
            let names = offers.compactMap { id in manifest.offers.first { $0.id == id }?.name }
            return names.isEmpty ? "This lesson is part of a paid course." : "This lesson is part of \(names.joined(separator: " or ")). Buy it to read on."
        case .prerequisite(_, let quiz, let title):
            return quiz == nil ? "Finish “\(title)” first." : "Pass the quiz in “\(title)” first."
        case .opensAt(let time):
            let formatter = DateFormatter()
            formatter.dateFormat = "d MMMM yyyy"
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            return "This lesson opens on \(formatter.string(from: Date(timeIntervalSince1970: TimeInterval(time))))."
        }
    }
}
