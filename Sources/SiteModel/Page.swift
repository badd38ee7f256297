/// One page of the site, whatever its kind: its metadata and its rendered body.
public struct Page: Sendable {
    /// Path of the source file relative to the site root (`content/about.md`).
    public var source: String
    /// Site path without the site root: `/about/`.
    public var url: String
    public var title: String
    public var description: String
    /// The layout chosen in front matter, overriding the kind's default.
    public var layout: String?
    /// `YYYY-MM-DD`, when the page has a date (posts).
    public var date: String?
    public var draft: Bool
    /// Site path or absolute URL of the page's social image.
    public var image: String?
    public var weight: Int?
    /// The body as HTML.
    public var html: String
    public var headings: [Heading]
    public var wordCount: Int
    /// The start of the body's text, for search and feeds.
    public var excerpt: String

    public init(
        source: String, url: String, title: String, description: String = "", layout: String? = nil,
        date: String? = nil, draft: Bool = false, image: String? = nil, weight: Int? = nil, html: String = "",
        headings: [Heading] = [], wordCount: Int = 0, excerpt: String = ""
    ) {
        self.source = source
        self.url = url
        self.title = title
        self.description = description
        self.layout = layout
        self.date = date
        self.draft = draft
        self.image = image
        self.weight = weight
        self.html = html
        self.headings = headings
        self.wordCount = wordCount
        self.excerpt = excerpt
    }

    /// Minutes to read the body at 220 words a minute, never less than one.
    public var readingMinutes: Int { max(1, (wordCount + 219) / 220) }
}
