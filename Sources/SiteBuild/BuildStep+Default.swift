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
    }

    /// Lists `content/`, reads every Markdown file and hashes it (in parallel).
    static let loadContent = BuildStep("load content") { context in
        let contentDirectory = context.path("content")
        guard FileSystem.isDirectory(contentDirectory) else {
            context.diagnostics.append(Diagnostic(.error, file: "content/",
                "no content folder in \(context.options.siteDirectory); run `lectern new DIR` to start a site"))
            throw BuildFailure(step: "load content", diagnostics: context.diagnostics)
        }
        let files = FileSystem.files(under: contentDirectory)
        let markdown = files.filter { $0.hasSuffix(".md") }
        context.contentAssets = Set(files.filter { !$0.hasSuffix(".md") && $0 != "site.yaml" })
        let loaded: [Result<SourceFile, Diagnostic>] = markdown.parallelMap { relative in
            do {
                let bytes = try FileSystem.read(contentDirectory + "/" + relative)
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    return .failure(Diagnostic(.error, file: "content/" + relative, "file is not UTF-8 text; save it as UTF-8"))
                }
                return .success(SourceFile(path: ContentPath(relative), text: text, hash: ContentHash.of(bytes)))
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

    /// Front matter and Markdown of every file, in parallel; links are resolved as they are met.
    static let parseContent = BuildStep("parse content") { context in
        let parser = SourceParser(knownFiles: Set(context.sources.map(\.path.relative)).union(context.contentAssets),
            root: context.root)
        context.parsed = context.sources.parallelMap { parser.parse($0) }
        for source in context.parsed { context.diagnostics += source.diagnostics }
    }

    /// Assembles courses, modules and lessons; checks ids, URLs, offers and `#fragment`s.
    static let resolveSite = BuildStep("resolve courses and links") { context in
        var resolver = SiteResolver(config: context.config, includeDrafts: context.options.includeDrafts)
        context.site = resolver.resolve(context.parsed)
        resolver.checkAnchors(context.parsed)
        context.diagnostics += resolver.diagnostics
    }

    /// The default theme with the site's `layouts/` over it; every layout a page needs must exist.
    static let loadLayouts = BuildStep("load layouts") { context in
        context.theme = Theme.load(siteLayouts: context.path("layouts"), diagnostics: &context.diagnostics)
        let required = ["home", "page", "catalogue", "course", "module", "lesson", "teaser", "404", "partials/sidebar"]
        for name in required where !context.theme.templateNames.contains(name) {
            context.diagnostics.append(Diagnostic(.error, file: "layouts/\(name).mustache",
                "layout `\(name)` is missing; add layouts/\(name).mustache or remove the override that hides it"))
        }
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
            }
            context.outputs.append(OutputFile(path: published, bytes: bytes))
        }
        let renderer = SiteRenderer(context: context, assetURLs: assetURLs)
        let jobs = renderer.jobs()
        context.outputs += jobs.parallelMap { renderer.render($0) }
        context.writtenPages = jobs.count
    }

    /// Sitemap, robots.txt, the Atom feed, the search index, `_headers` and the private manifest.
    static let writeIndexes = BuildStep("write indexes") { context in
        context.outputs += Sitemap.render(context)
        context.outputs.append(AtomFeed.render(context))
        context.outputs.append(SearchIndex.render(context))
        context.outputs.append(HeadersFile.render())
        context.outputs.append(Manifest(context).render())
    }

    /// Writes everything into fresh folders and swaps them in for the old ones.
    static let writeOutput = BuildStep("write output") { context in
        guard context.options.writesOutput else { return }
        var copies: [(from: String, to: String)] = []
        let staticDirectory = context.path("static")
        for file in FileSystem.files(under: staticDirectory) { copies.append((staticDirectory + "/" + file, file)) }
        for asset in context.contentAssets.sorted() {
            copies.append((context.path("content/" + asset), String(ContentPath(asset).url.dropFirst())))
        }
        try OutputWriter(options: context.options).writeAll(context.outputs, copies: copies)
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
