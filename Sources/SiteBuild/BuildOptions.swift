import Foundation

/// What to build and where: everything the CLI's flags decide.
public struct BuildOptions: Sendable {
    /// The site's folder (the one holding `content/` and, optionally, `layouts/` and `static/`).
    public var siteDirectory: String
    /// Where the public output goes (default `<site>/dist`).
    public var outputDirectory: String
    /// Where gated lessons and the manifest go, never uploaded to a CDN (default `<site>/private`).
    public var privateDirectory: String
    /// The incremental-build cache (default `<site>/.lectern/cache`).
    public var cacheDirectory: String
    public var includeDrafts: Bool
    /// Overrides `base_url` from `content/site.yaml` (for previews and local serving).
    public var baseURL: String?
    /// `false` for `lectern check`: everything but writing.
    public var writesOutput: Bool
    /// Reuse the cache and rewrite only the pages a change touches.
    public var incremental: Bool
    /// `lectern check --production`: what only matters live (a paid offer without a live
    /// payment price) is an error.
    public var production = false
    /// The build's date (the footer's year); fixed in golden tests so output is reproducible.
    public var buildDate: Date = Date()

    public init(
        siteDirectory: String, outputDirectory: String? = nil, privateDirectory: String? = nil,
        cacheDirectory: String? = nil, includeDrafts: Bool = false, baseURL: String? = nil,
        writesOutput: Bool = true, incremental: Bool = true
    ) {
        let site = siteDirectory.hasSuffix("/") && siteDirectory.count > 1 ? String(siteDirectory.dropLast()) : siteDirectory
        self.siteDirectory = site
        self.outputDirectory = outputDirectory ?? site + "/dist"
        self.privateDirectory = privateDirectory ?? site + "/private"
        self.cacheDirectory = cacheDirectory ?? site + "/.lectern/cache"
        self.includeDrafts = includeDrafts
        self.baseURL = baseURL
        self.writesOutput = writesOutput
        self.incremental = incremental
    }
}
