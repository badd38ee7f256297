/// A heading of a page, for its table of contents and deep links.
public struct Heading: Sendable, Hashable, Codable {
    public var level: Int
    /// The `id` attribute the heading gets in HTML (unique within the page).
    public var id: String
    public var title: String

    public init(level: Int, id: String, title: String) {
        self.level = level
        self.id = id
        self.title = title
    }
}
