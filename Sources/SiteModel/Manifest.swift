/// `manifest.json` in the private output: what the functions and the router know of the site —
/// courses, modules, lessons (ids, URLs, access, order, where a gated lesson's private page is),
/// offers — and a version hash. The build writes it; functions read it and never parse Markdown.
public struct Manifest: Codable, Sendable {
    public var version: String
    public var site: SiteInfo
    public var courses: [CourseEntry]
    public var offers: [OfferEntry]
    /// Prompt templates (prompts included) and brand-voice profiles, for the generate function.
    public var templates: [PromptTemplate]?
    public var brands: [BrandProfile]?

    public init(version: String, site: SiteInfo, courses: [CourseEntry], offers: [OfferEntry]) {
        self.version = version
        self.site = site
        self.courses = courses
        self.offers = offers
    }

    public struct SiteInfo: Codable, Sendable {
        public var title: String
        public var baseURL: String

        public init(title: String, baseURL: String) {
            self.title = title
            self.baseURL = baseURL
        }
    }

    public struct CourseEntry: Codable, Sendable {
        public var id: String
        public var title: String
        public var url: String
        public var offer: String?
        public var modules: [ModuleEntry]

        public init(id: String, title: String, url: String, offer: String?, modules: [ModuleEntry]) {
            self.id = id
            self.title = title
            self.url = url
            self.offer = offer
            self.modules = modules
        }
    }

    public struct ModuleEntry: Codable, Sendable {
        public var id: String
        public var title: String
        public var url: String
        public var order: Int
        public var lessons: [LessonEntry]

        public init(id: String, title: String, url: String, order: Int, lessons: [LessonEntry]) {
            self.id = id
            self.title = title
            self.url = url
            self.order = order
            self.lessons = lessons
        }
    }

    public struct LessonEntry: Codable, Sendable {
        public var id: String
        public var title: String
        public var url: String
        public var order: Int
        public var access: Access
        public var duration: Int
        /// The private HTML of a paid lesson, relative to the private output folder.
        public var privatePath: String?
        /// The lesson's quizzes with their answer keys (never published).
        public var quizzes: [Quiz]?
        /// Access rules beyond `access`: prerequisites and drip (see `Lesson`).
        public var requires: [String]?
        public var availableAfterDays: Int?
        public var availableFrom: String?

        public init(id: String, title: String, url: String, order: Int, access: Access, duration: Int, privatePath: String?,
                    quizzes: [Quiz]? = nil) {
            self.id = id
            self.title = title
            self.url = url
            self.order = order
            self.access = access
            self.duration = duration
            self.privatePath = privatePath
            self.quizzes = quizzes
        }
    }

    public struct OfferEntry: Codable, Sendable {
        public var id: String
        public var name: String
        public var price: Double
        public var currency: String
        public var interval: String?
        public var courses: [String]
        public var trialDays: Int?
        /// Stripe price ids by environment (`test`, `live`).
        public var stripePrices: [String: String]?
        public var plan: String?

        public init(id: String, name: String, price: Double, currency: String, interval: String?, courses: [String]) {
            self.id = id
            self.name = name
            self.price = price
            self.currency = currency
            self.interval = interval
            self.courses = courses
        }
    }

    /// Every lesson with the course it belongs to, in course order.
    public var lessons: [(course: CourseEntry, lesson: LessonEntry)] {
        courses.flatMap { course in course.modules.flatMap { $0.lessons.map { (course, $0) } } }
    }
}
