/// The whole site as the build understands it: config, standalone pages and courses.
public struct Site: Sendable {
    public var config: SiteConfig
    /// Home, pages, the catalogue intro, the updates list and posts (everything but course pages).
    public var pages: [Page]
    public var courses: [Course]
    /// Prompt templates and brand-voice profiles (the AI copy tools).
    public var templates: [PromptTemplate] = []
    public var brands: [BrandProfile] = []

    public init(config: SiteConfig, pages: [Page] = [], courses: [Course] = []) {
        self.config = config
        self.pages = pages
        self.courses = courses
    }

    public var lessonCount: Int { courses.reduce(0) { $0 + $1.lessons.count } }
}
