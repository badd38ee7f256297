import Foundation
import SiteModel

extension BuildStep {
    /// Reads `content/site.yaml` (the `--base-url` flag overrides its `base_url`).
    static let loadConfig = BuildStep("load config") { context in
        let yaml = try? FileSystem.read(context.path(SiteConfigLoader.file))
        context.config = SiteConfigLoader.load(yaml: yaml.map { String(decoding: $0, as: UTF8.self) },
            diagnostics: &context.diagnostics)
        if let base = context.options.baseURL {
            context.config.baseURL = base.hasSuffix("/") ? String(base.dropLast()) : base
        }
        if context.options.production {
            for offer in context.config.offers where offer.price > 0 && offer.stripePrices["live"] == nil {
                context.diagnostics.append(Diagnostic(.error, file: SiteConfigLoader.file,
                    "offer `\(offer.id)` has a price but no live Stripe price id: checkout cannot sell it. Add `stripe_price: {live: price_…}` (from the Stripe dashboard)"))
            }
        }
    }

    /// Lists `content/` and reads every Markdown file that changed since the cached build
    /// (all of them without a cache), in parallel.
    static let loadContent = BuildStep("load content") { context in
        let contentDirectory = context.path("content")
        guard FileSystem.isDirectory(contentDirectory) else {
            context.diagnostics.append(Diagnostic(.error, file: "content/",
                "no content folder in \(context.options.siteDirectory); run `lectern new DIR` to start a site"))
            throw BuildFailure(step: "load content", diagnostics: context.diagnostics)
        }
        let options = context.options
        if options.incremental, options.writesOutput, FileSystem.exists(options.outputDirectory),
            FileSystem.exists(options.privateDirectory)
        {
            // A resident build hands over the cache it holds in memory; reading it back is the
            // slow part of a small rebuild.
            if context.previous == nil { context.previous = BuildCache.load(from: options.cacheDirectory) }
        } else {
            context.previous = nil
        }
        let files = FileSystem.files(under: contentDirectory)
        let markdown = files.filter { $0.hasSuffix(".md") }
        context.contentAssets = Set(files.filter { !$0.hasSuffix(".md") && $0 != "site.yaml" })
        let previous = context.previous
        let loaded: [Result<SourceFile, Diagnostic>] = markdown.parallelMap { relative in
            let path = contentDirectory + "/" + relative
            let signature = FileSystem.signature(path) ?? (0, 0)
            if let entry = previous?.files[relative], entry.size == signature.size, entry.modified == signature.modified {
                return .success(SourceFile(path: ContentPath(relative), text: "", hash: entry.hash,
                    size: signature.size, modified: signature.modified, isUnchanged: true))
            }
            do {
                let bytes = try FileSystem.read(path)
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    return .failure(Diagnostic(.error, file: "content/" + relative, "file is not UTF-8 text; save it as UTF-8"))
                }
                return .success(SourceFile(path: ContentPath(relative), text: text, hash: ContentHash.of(bytes),
                    size: signature.size, modified: signature.modified))
            } catch {
                return .failure(Diagnostic(.error, file: "content/" + relative, "\(error)"))
            }
        }
        for result in loaded {
            switch result {
            case .success(let source): context.sources.append(source)
            case .failure(let diagnostic): context.diagnostics.append(diagnostic)
            }
        }
    }

    /// Front matter and Markdown of every changed file, in parallel; links are resolved as they
    /// are met. Unchanged files keep their cached metadata (their HTML is made again only if
    /// their page must be rendered again).
    static let parseContent = BuildStep("parse content") { context in
        let knownFiles = Set(context.sources.map(\.path.relative)).union(context.contentAssets)
        let parser = SourceParser(knownFiles: knownFiles, root: context.root, contentDirectory: context.path("content"))
        var key = ContentHash()
        key.add(context.root)
        for file in knownFiles.sorted() { key.add(file) }
        context.parseKey = key.value
        let previous = context.previous?.parseKey == key.value ? context.previous : nil
        let frozen = context
        context.parsed = context.sources.parallelMap { source in
            if let entry = previous?.files[source.path.relative], entry.hash == source.hash { return entry.parsed }
            return parser.parse(source.isUnchanged ? SourceParser.reload(source, in: frozen) : source)
        }
        let firstParseDiagnostic = context.diagnostics.count
        for source in context.parsed { context.diagnostics += source.diagnostics }
        context.parseDiagnostics = firstParseDiagnostic..<context.diagnostics.count
        context.next.parseKey = key.value
        for (source, parsed) in zip(context.sources, context.parsed) {
            var stripped = parsed
            if !context.keepsHTML { stripped.page.html = "" }
            context.next.files[source.path.relative] = BuildCache.FileEntry(
                size: source.size, modified: source.modified, hash: source.hash, parsed: stripped)
        }
    }

    /// Assembles courses, modules and lessons; checks ids, URLs, offers and `#fragment`s.
    static let resolveSite = BuildStep("resolve courses and links") { context in
        var resolver = SiteResolver(config: context.config, includeDrafts: context.options.includeDrafts)
        context.site = resolver.resolve(context.parsed)
        let resolveDiagnostics = resolver.diagnostics.count
        resolver.checkAnchors(context.parsed)
        context.diagnostics += resolver.diagnostics
        let end = context.diagnostics.count
        context.anchorDiagnostics = (end - (resolver.diagnostics.count - resolveDiagnostics))..<end
    }

    /// The default theme with the site's `layouts/` over it; every layout a page needs must exist.
    static let loadLayouts = BuildStep("load layouts") { context in
        context.theme = Theme.load(siteLayouts: context.path("layouts"), diagnostics: &context.diagnostics)
        let required = ["home", "page", "catalogue", "course", "module", "lesson", "teaser", "404", "partials/sidebar"]
        for name in required where !context.theme.templateNames.contains(name) {
            context.diagnostics.append(Diagnostic(.error, file: "layouts/\(name).mustache",
                "layout `\(name)` is missing; add layouts/\(name).mustache or remove the override that hides it"))
        }
        context.next.globalKey = globalKey(context)
        context.updatesInPlace = context.previous?.globalKey == context.next.globalKey
        let pages = context.site.pages + context.site.courses.flatMap { $0.lessons.map(\.page) }
        for page in pages {
            guard let layout = page.layout, !context.theme.templateNames.contains(layout) else { continue }
            let line = (try? FileSystem.read(context.path(page.source)))
                .flatMap { String(decoding: $0, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                    .firstIndex { $0.hasPrefix("layout:") } }
                .map { $0 + 1 }
            context.diagnostics.append(Diagnostic(.error, file: page.source, line: line,
                "layout `\(layout)` does not exist; add layouts/\(layout).mustache or use one of: "
                    + context.theme.templateNames.filter { !$0.hasPrefix("partials/") }.sorted().joined(separator: ", ")))
        }
    }

    /// Ends the build before anything is written when any step found an error.
    static let stopOnErrors = BuildStep("check") { context in
        if context.errorCount > 0 { throw BuildFailure(step: "check", diagnostics: context.diagnostics) }
    }

    /// Theme assets (fingerprinted), `static/` and files beside lessons; then every page.
    static let renderPages = BuildStep("render pages") { context in
        var assetURLs: [String: String] = [:]
        for (name, bytes) in context.theme.assets.sorted(by: { $0.key < $1.key }) {
            var published = name
            let fileName = (name as NSString).lastPathComponent
            let ext = (fileName as NSString).pathExtension
            if name.hasPrefix("assets/"), ext == "css" || ext == "js" {
                let stem = (fileName as NSString).deletingPathExtension
                published = ((name as NSString).deletingLastPathComponent as NSString)
                    .appendingPathComponent("\(stem).\(ContentHash.fingerprint(bytes)).\(ext)")
                if stem == "site" { assetURLs[ext] = context.link("/" + published) }
                // The account, learning and certificate pages' script: only their layouts load it.
                if stem == "account", ext == "js" { assetURLs["account"] = context.link("/" + published) }
                // The copy generator's script: the template pages and the history page.
                if stem == "generate", ext == "js" { assetURLs["generate"] = context.link("/" + published) }
            }
            context.outputs.append(OutputFile(path: published, bytes: bytes))
        }
        context.assetURLs = assetURLs
        let renderer = SiteRenderer(context: context, assetURLs: assetURLs)
        let hashes = Dictionary(context.sources.map { ("content/" + $0.path.relative, $0.hash) }) { first, _ in first }
        var jobs = renderer.jobs()
        for index in jobs.indices {
            jobs[index].key = jobs[index].outputKey(globalKey: context.next.globalKey,
                sourceHash: hashes[jobs[index].page.source] ?? 0)
        }
        let previous = context.updatesInPlace ? context.previous : nil
        let stale = jobs.filter { job in previous?.outputKeys[job.cacheName] != job.key }
        let sourcesByFile = Dictionary(context.sources.map { ("content/" + $0.path.relative, $0) }) { first, _ in first }
        let parser = SourceParser(knownFiles: Set(context.sources.map(\.path.relative)).union(context.contentAssets),
            root: context.root, contentDirectory: context.path("content"))
        let frozen = context
        context.outputs += stale.parallelMap { job in
            var job = job
            // A cached page lost its HTML to keep the cache small: parse its file again.
            if job.layout != "teaser", job.page.html.isEmpty, let source = sourcesByFile[job.page.source], source.isUnchanged {
                job.page.html = parser.parse(SourceParser.reload(source, in: frozen)).page.html
            }
            var output = renderer.render(job)
            output.key = job.key
            return output
        }
        for job in jobs { context.next.outputKeys[job.cacheName] = job.key }
        context.writtenPages = jobs.count
        context.reusedPages = jobs.count - stale.count
    }

    /// Sitemap, robots.txt, the Atom feed, the search index, `_headers`, `_redirects` and the
    /// private manifest.
    static let writeIndexes = BuildStep("write indexes") { context in
        context.next.indexKey = indexKey(context)
        if context.updatesInPlace, let previous = context.previous, previous.indexKey == context.next.indexKey,
           !previous.indexOutputs.isEmpty, previous.indexOutputs.allSatisfy({ previous.outputKeys[$0] != nil }) {
            // No source changed, so no index would either: keep the files already written.
            for name in previous.indexOutputs { context.next.outputKeys[name] = previous.outputKeys[name] }
            context.next.indexOutputs = previous.indexOutputs
            return
        }
        var outputs = Sitemap.render(context)
        outputs.append(AtomFeed.render(context))
        outputs.append(SearchIndex.render(context))
        outputs.append(HeadersFile.render())
        if let redirects = RedirectsFile.render(context) { outputs.append(redirects) }
        outputs.append(Manifest(context).render())
        context.next.indexOutputs = outputs.map(\.cacheName)
        context.outputs += outputs
    }

    /// Writes everything into fresh folders and swaps them in for the old ones — or, when only
    /// some pages changed, replaces just those files, each atomically.
    static let writeOutput = BuildStep("write output") { context in
        guard context.options.writesOutput else { return }
        for output in context.outputs where output.key == nil {
            context.next.outputKeys[output.cacheName] = ContentHash.of(output.bytes)
        }
        if context.updatesInPlace, let previous = context.previous {
            let changed = context.outputs.filter { output in
                output.key != nil || previous.outputKeys[output.cacheName] != context.next.outputKeys[output.cacheName]
            }
            let removed = previous.outputKeys.keys.filter { context.next.outputKeys[$0] == nil }
            try OutputWriter(options: context.options).update(changed, removing: removed)
            try context.next.save(to: context.options.cacheDirectory)
            return
        }
        var copies: [(from: String, to: String)] = []
        let staticDirectory = context.path("static")
        // `static/_redirects` is not copied: its rules open the `_redirects` the build writes.
        for file in FileSystem.files(under: staticDirectory) where file != RedirectsFile.name {
            copies.append((staticDirectory + "/" + file, file))
        }
        // Quiz files (mdbook-quiz `.toml`) hold answers: they are read by the build, never published.
        for asset in context.contentAssets.sorted() where !asset.hasSuffix(".toml") {
            copies.append((context.path("content/" + asset), String(ContentPath(asset).url.dropFirst())))
        }
        try OutputWriter(options: context.options).writeAll(context.outputs, copies: copies)
        try context.next.save(to: context.options.cacheDirectory)
    }

    /// Hash of what the site-wide indexes are made from: the global key and every source's hash.
    static func indexKey(_ context: BuildContext) -> UInt64 {
        var key = ContentHash()
        key.add(String(context.next.globalKey))
        for source in context.sources.sorted(by: { $0.path.relative < $1.path.relative }) {
            key.add(source.path.relative)
            key.add(String(source.hash))
        }
        return key.value
    }

    /// Hash of everything every page depends on. When it changes, the whole site is rebuilt.
    private static func globalKey(_ context: BuildContext) -> UInt64 {
        var key = ContentHash()
        key.add(String(BuildCache.formatVersion))
        key.add(String(context.parseKey))
        key.add(String(context.theme.hash))
        key.add(String(describing: context.config))
        // Every page gets the offers' values, which name the courses they grant (the pricing
        // page lists them): a renamed course changes what any page may show.
        let offered = Set(context.config.offers.flatMap(\.courses))
        for course in context.site.courses where offered.contains(course.id) {
            key.add(course.id)
            key.add(course.page.title)
            key.add(course.page.url)
        }
        key.add(context.options.includeDrafts ? "drafts" : "")
        key.add(context.options.outputDirectory)
        key.add(context.options.privateDirectory)
        // Static files and files beside lessons are copied only by full builds.
        for file in FileSystem.files(under: context.path("static")) {
            key.add(file)
            key.add(String(describing: FileSystem.signature(context.path("static/" + file))))
        }
        for asset in context.contentAssets.sorted() {
            key.add(asset)
            key.add(String(describing: FileSystem.signature(context.path("content/" + asset))))
        }
        return key.value
    }
}

/// The build pipelines, each one array of named steps.
public enum BuildPipeline {
    /// `lectern build`.
    public static let build: [BuildStep] = [
        .loadConfig, .loadContent, .parseContent, .resolveSite, .loadLayouts, .stopOnErrors,
        .renderPages, .writeIndexes, .writeOutput,
    ]
    /// `lectern check`: everything but writing (rendering included, so layouts are exercised).
    public static let check: [BuildStep] = [
        .loadConfig, .loadContent, .parseContent, .resolveSite, .loadLayouts, .stopOnErrors,
        .renderPages, .writeIndexes,
    ]
}
