/// The site-wide settings from `content/site.yaml`.
public struct SiteConfig: Sendable, Hashable {
    public var title: String
    public var description: String
    /// Absolute base URL without a trailing slash (`https://example.com` or `https://example.com/docs`).
    public var baseURL: String
    public var language: String
    public var author: String
    /// Site path of the default OpenGraph image, e.g. `/images/social.png`.
    public var socialImage: String?
    public var nav: [NavItem]
    public var footerNav: [NavItem]
    public var offers: [Offer]

    public init(
        title: String = "Lectern site", description: String = "", baseURL: String = "http://localhost:8080",
        language: String = "en", author: String = "", socialImage: String? = nil,
        nav: [NavItem] = [], footerNav: [NavItem] = [], offers: [Offer] = []
    ) {
        self.title = title
        self.description = description
        self.baseURL = baseURL
        self.language = language
        self.author = author
        self.socialImage = socialImage
        self.nav = nav
        self.footerNav = footerNav
        self.offers = offers
    }

    /// The URL path the site lives under: `/`, or `/docs/` for `https://example.com/docs`.
    public var rootPath: String {
        let parts = baseURL.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        // ["https:", "", "host", "rest/of/path"]
        guard parts.count == 4, !parts[3].isEmpty else { return "/" }
        let afterHost = "/" + parts[3]
        let trimmed = afterHost.hasSuffix("/") ? String(afterHost.dropLast()) : String(afterHost)
        return trimmed + "/"
    }
}

/// One link of a navigation menu.
public struct NavItem: Sendable, Hashable {
    public var title: String
    public var url: String

    public init(title: String, url: String) {
        self.title = title
        self.url = url
    }
}
