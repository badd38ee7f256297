import SiteModel

/// Everything the build steps share: inputs, what has been worked out so far, and diagnostics.
public struct BuildContext: Sendable {
    public let options: BuildOptions
    public internal(set) var diagnostics: [Diagnostic] = []
    public internal(set) var config = SiteConfig()
    /// Markdown files under `content/`, read and hashed.
    var sources: [SourceFile] = []
    /// Every other file under `content/` (images, downloads), by path relative to `content/`.
    var contentAssets: Set<String> = []
    var parsed: [ParsedSource] = []
    public internal(set) var site = Site(config: SiteConfig())
    var theme = Theme()
    /// Files to write, relative to the output or private folder.
    var outputs: [OutputFile] = []
    /// The previous build's cache, when it can be trusted for this build.
    var previous: BuildCache?
    /// What this build will leave for the next one.
    var next = BuildCache()
    /// Hash of the inputs that decide how every file parses (site root, the set of content files).
    var parseKey: UInt64 = 0
    /// True when the previous output can be updated in place: nothing all pages depend on changed.
    var updatesInPlace = false
    /// True in a resident build (`build --watch`, `serve --watch`): the cache it leaves keeps each
    /// file's HTML in memory, so pages rendered again later need not parse their files again.
    var keepsHTML = false
    /// The fingerprinted theme assets' URLs (`css`, `js`, …), as layouts see them.
    var assetURLs: [String: String] = [:]
    /// Where the steps put their diagnostics, so a resident rebuild can replace one part of them
    /// (a file's parse diagnostics, the `#fragment` warnings) in the order a full build keeps.
    var parseDiagnostics: Range<Int> = 0..<0
    var anchorDiagnostics: Range<Int> = 0..<0
    /// Pages skipped because the cache showed them unchanged.
    public internal(set) var reusedPages = 0
    public internal(set) var writtenPages = 0

    init(options: BuildOptions) {
        self.options = options
    }

    var errorCount: Int { diagnostics.count { $0.severity == .error } }
    var warningCount: Int { diagnostics.count - errorCount }

    /// The site path prefix (`/`, or `/docs/` when the base URL has a path).
    var root: String { config.rootPath }

    /// A site path (`/courses/`) as a URL path under the site root (`/docs/courses/`).
    func link(_ path: String) -> String {
        root == "/" ? path : String(root.dropLast()) + path
    }

    /// The absolute URL of a site path, for canonical links, feeds and the sitemap.
    func absolute(_ path: String) -> String {
        if path.hasPrefix("http://") || path.hasPrefix("https://") { return path }
        let base = config.baseURL.hasSuffix("/") ? String(config.baseURL.dropLast()) : config.baseURL
        let origin = root == "/" ? base : String(base.dropLast(root.count - 1))
        return origin + link(path)
    }

    func path(_ relativeToSite: String) -> String {
        options.siteDirectory + "/" + relativeToSite
    }
}

/// A Markdown file under `content/`.
struct SourceFile: Sendable {
    var path: ContentPath
    /// Empty when the file is unchanged since the cached build (it is then not read at all).
    var text: String
    var hash: UInt64
    var size: Int
    var modified: Int
    var isUnchanged = false
}

/// A file the build writes, relative to the public output (or the private one).
struct OutputFile: Sendable {
    enum Destination: Sendable { case `public`, `private` }
    var path: String
    var bytes: [UInt8]
    var destination: Destination = .public
    /// Hash of what the file was made from; `nil` means the hash of its bytes.
    var key: UInt64?

    /// The name the build cache knows this file by.
    var cacheName: String { (destination == .public ? "public:" : "private:") + path }

    init(path: String, text: String, destination: Destination = .public) {
        self.path = path
        // Contiguous UTF-8 strings convert without a scalar-by-scalar copy.
        var text = text
        self.bytes = text.withUTF8 { Array($0) }
        self.destination = destination
    }

    init(path: String, bytes: [UInt8], destination: Destination = .public) {
        self.path = path
        self.bytes = bytes
        self.destination = destination
    }
}
