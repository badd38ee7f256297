import Foundation
import SiteModel

/// A build that stays in memory between rebuilds (`lectern build --watch`, `serve --watch`).
///
/// A `lectern build` process has to load the cache, stat every source, resolve the course graph
/// and regenerate the site-wide files before it can tell that one page changed; on a
/// 10k-lesson site that fixed cost is most of a second. Kept in memory, the last build's state
/// answers those questions at once: when only a file's text changed (nothing that other pages
/// show of it — see `ResidentBuild+Patch.swift`), that file alone is parsed, its pages alone are
/// rendered, its search-index entry alone is serialized again, and those files are replaced
/// in place; a lesson's or module's title adds the pages that show it and the manifest.
/// Anything else (a new or deleted file, order, access, the config, a layout) runs the whole
/// pipeline, with the cache taken from memory instead of disk.
///
/// Either way the output is what a full `lectern build` of the same tree writes, byte for byte
/// (`ResidentBuildTests`). Not `Sendable`: one watcher thread owns it.
public final class ResidentBuild {
    public let options: BuildOptions

    /// How the last rebuild was done.
    public enum Method: Sendable, Equatable {
        /// The whole pipeline (the first build, or a change other pages depend on).
        case pipeline
        /// Only the changed files' pages and their search-index entries.
        case patch
    }

    public internal(set) var lastMethod: Method = .pipeline
    /// Pages rendered by the last rebuild.
    public internal(set) var lastRenderedPages = 0

    /// The last successful build, as its last step left it.
    var state: BuildContext?
    /// Where each source sits in `state.sources` and `state.parsed`, by path relative to `content/`.
    var sourceIndex: [String: Int] = [:]
    /// Every file under `content/`, relative to it: what links resolve against.
    var knownFiles: Set<String> = []
    /// Where each page of the resolved site is, by source file.
    var places: [String: SitePlace] = [:]
    /// The search index, one serialized entry per page, and which entry is whose.
    var searchChunks: [[UInt8]] = []
    var searchChunkBySource: [String: Int] = [:]
    /// Files that `#fragment` links point to: a change to their headings can change warnings elsewhere.
    var anchorTargets: Set<String> = []
    /// Paths a failed rebuild saw change, looked at again with the next change.
    var pending: Set<String> = []
    /// Each course's values and sidebar, kept while patches leave the structure as it is.
    var courseParts = SiteRenderer.CourseParts()
    /// `Site.lessonCount` walks every lesson: counted once per structure.
    var lessonCount = 0
    /// False while the on-disk cache lags behind the output (after a patch).
    private var cacheIsSaved = true
    /// True after the whole pipeline failed: what it saw change is not known file by file, so
    /// the next rebuild runs it again.
    private var pipelineFailed = false
    /// True after a patch failed to write its files: the next build is a clean one.
    var cleanBuildNeeded = false

    /// Where a page sits in `Site`.
    enum SitePlace {
        case page(Int)
        case course(Int)
        case module(Int, Int)
        case lesson(Int, Int, Int)
    }

    public init(options: BuildOptions) {
        self.options = options
    }

    /// Builds the whole site: the first build (from the cache on disk, as `lectern build` would),
    /// or after a change that other pages depend on (from the cache in memory).
    public func build(log: (String) -> Void = { _ in }) -> SiteBuilder.Report {
        var options = self.options
        if cleanBuildNeeded { options.incremental = false }
        var context = BuildContext(options: options)
        context.keepsHTML = true
        context.previous = cleanBuildNeeded ? nil : state?.next
        let (report, final) = SiteBuilder(options: options).run(BuildPipeline.build, from: context, log: log)
        if report.succeeded { cleanBuildNeeded = false }
        lastMethod = .pipeline
        lastRenderedPages = report.pages - report.reusedPages
        pipelineFailed = !report.succeeded
        if report.succeeded {
            adopt(final)
            cacheIsSaved = true
        }
        return report
    }

    /// Rebuilds after the files at `changed` (paths relative to the site folder) changed; `nil`
    /// when what changed is not known (the whole tree is looked at).
    public func rebuild(changed: Set<String>?, log: (String) -> Void = { _ in }) -> SiteBuilder.Report {
        guard state != nil, !pipelineFailed, !cleanBuildNeeded, var paths = changed else { return build(log: log) }
        paths.formUnion(pending)
        if let report = patch(paths) {
            lastMethod = .patch
            if report.succeeded {
                pending = []
                cacheIsSaved = false
            } else {
                pending = paths
            }
            return report
        }
        pending = []
        return build(log: log)
    }

    /// Writes the build cache, so a later `lectern build` starts from this output. A patch
    /// leaves it for later: the output is what the user waits for.
    public func saveCache() throws {
        guard !cacheIsSaved, var context = state else { return }
        state = nil
        defer { state = context }
        // A patch left these for now (see `patch`): worked out here, after the output.
        context.next.indexKey = BuildStep.indexKey(context)
        let searchIndex = SearchIndex.render(chunks: searchChunks)
        context.next.outputKeys[searchIndex.cacheName] = ContentHash.of(searchIndex.bytes)
        // The cache on disk never holds HTML (`ParsedSource.write(to:)` leaves it out).
        try context.next.save(to: options.cacheDirectory)
        cacheIsSaved = true
    }

    /// Takes a successful build's context as the state the next rebuild starts from.
    private func adopt(_ built: BuildContext) {
        var context = built
        // What the next rebuild needs of a source is its signature and hash, not its text.
        for index in context.sources.indices { context.sources[index].text = "" }
        context.outputs = []
        context.previous = nil
        sourceIndex = Dictionary(context.sources.enumerated().map { ($1.path.relative, $0) }) { first, _ in first }
        knownFiles = Set(context.sources.map(\.path.relative)).union(context.contentAssets)
        anchorTargets = Set(context.parsed.flatMap { $0.anchoredLinks.map(\.target) })
        places = Self.places(in: context.site)
        courseParts = SiteRenderer.CourseParts()
        lessonCount = context.site.lessonCount
        let entries = SearchIndex.entries(context)
        searchChunks = entries.map { SearchIndex.chunk($0.entry) }
        searchChunkBySource = Dictionary(entries.enumerated().map { ($1.source, $0) }) { first, _ in first }
        state = context
    }

    static func places(in site: Site) -> [String: SitePlace] {
        var places: [String: SitePlace] = [:]
        for (index, page) in site.pages.enumerated() { places[page.source] = .page(index) }
        for (c, course) in site.courses.enumerated() {
            places[course.page.source] = .course(c)
            for (m, module) in course.modules.enumerated() {
                places[module.page.source] = .module(c, m)
                for (l, lesson) in module.lessons.enumerated() { places[lesson.page.source] = .lesson(c, m, l) }
            }
        }
        return places
    }
}
