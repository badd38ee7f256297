/// A course: modules of lessons, and the page that introduces it.
public struct Course: Sendable {
    /// The course folder's name without an ordering prefix: `ai-marketing`.
    public var id: String
    public var page: Page
    public var level: String?
    /// Id of the offer the course is sold in.
    public var offer: String?
    public var modules: [CourseModule]

    public init(id: String, page: Page, level: String? = nil, offer: String? = nil, modules: [CourseModule] = []) {
        self.id = id
        self.page = page
        self.level = level
        self.offer = offer
        self.modules = modules
    }

    /// Every lesson in reading order.
    public var lessons: [Lesson] { modules.flatMap(\.lessons) }
    public var durationMinutes: Int { modules.reduce(0) { $0 + $1.durationMinutes } }
}

/// A module of a course: an ordered group of lessons.
public struct CourseModule: Sendable {
    public var id: String
    public var page: Page
    public var lessons: [Lesson]

    public init(id: String, page: Page, lessons: [Lesson] = []) {
        self.id = id
        self.page = page
        self.lessons = lessons
    }

    public var durationMinutes: Int { lessons.reduce(0) { $0 + $1.duration } }
}

/// A lesson: a page with a stable id, a duration and an access level.
public struct Lesson: Sendable {
    /// Stable id: from front matter, else the path without ordering prefixes
    /// (`ai-marketing/prompts/writing-briefs`), so reordering files keeps it.
    public var id: String
    public var page: Page
    /// Minutes, as the author estimates it (0 when not given).
    public var duration: Int
    public var access: Access
    /// Quizzes in the lesson, answers included.
    public var quizzes: [Quiz]
    /// What must be done first: lesson ids (completed) or `lesson-id#quiz-id` (passed).
    public var requires: [String] = []
    /// Drip: opens this many days after enrolment, or on this date (YYYY-MM-DD).
    public var availableAfterDays: Int?
    public var availableFrom: String?

    /// Served only after an access check: anything but a free lesson without rules. The public
    /// output gets a teaser; the lesson goes to the private output.
    public var isGated: Bool {
        access != .free || !requires.isEmpty || availableAfterDays != nil || availableFrom != nil
    }

    public init(id: String, page: Page, duration: Int = 0, access: Access = .paid, quizzes: [Quiz] = []) {
        self.id = id
        self.page = page
        self.duration = duration
        self.access = access
        self.quizzes = quizzes
    }
}
