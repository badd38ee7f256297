import Foundation
import SiteModel

extension ResidentBuild {
    /// A changed source, read and parsed again.
    private struct Change {
        var index: Int
        var source: SourceFile
        var parsed: ParsedSource
    }

    /// Rebuilds by patching the last build when only the text of existing Markdown files changed
    /// (or a lesson's or module's title or description); `nil` when the change needs the whole
    /// pipeline (a file added or removed, a non-Markdown file, order, access, drafts, config…).
    func patch(_ paths: Set<String>) -> SiteBuilder.Report? {
        // Taken out of `state` while it is changed: a second reference would make every change
        // to its 10k-element arrays copy them whole. Whatever it holds on return is the state.
        guard var context = state else { return nil }
        state = nil
        defer { state = context }
        let start = Date()
        var changes: [Change] = []
        for path in paths.sorted() {
            let full = options.siteDirectory + "/" + path
            let relative = path.hasPrefix("content/") ? String(path.dropFirst("content/".count)) : nil
            let signature = FileSystem.signature(full)
            // A file under content/ that is gone and was not there at the last build (an
            // editor's scratch file) changes nothing.
            if signature == nil, let relative, !knownFiles.contains(relative) { continue }
            // Layouts, static files, assets, the config: every page may show them.
            guard let relative, relative.hasSuffix(".md") else { return nil }
            // A new file or a deleted one: the set of files decides how every link resolves.
            guard let index = sourceIndex[relative], let signature else { return nil }
            var old = context.sources[index]
            if signature.size == old.size, signature.modified == old.modified { continue }
            guard let bytes = try? FileSystem.read(full), let text = String(validating: bytes, as: UTF8.self) else { return nil }
            let hash = ContentHash.of(bytes)
            old.size = signature.size
            old.modified = signature.modified
            if hash == old.hash {
                // Touched, not changed: only the signature the next look compares against.
                context.sources[index] = old
                context.next.files[relative]?.size = signature.size
                context.next.files[relative]?.modified = signature.modified
                continue
            }
            let source = SourceFile(path: old.path, text: text, hash: hash, size: signature.size, modified: signature.modified)
            changes.append(Change(index: index, source: source, parsed: ParsedSource(path: old.path, page: Page(source: "", url: "", title: ""))))
        }
        let parser = SourceParser(knownFiles: knownFiles, root: context.root, contentDirectory: context.path("content"))
        let parsed = changes.map(\.source).parallelMap { parser.parse($0) }
        // A lesson's or module's new title or description shows on every page of its course
        // (syllabus, sidebar, neighbours' links), on the home and catalogue pages and in the
        // manifest: those are compared by key and rendered, still without the pipeline.
        var reshapesCourses = false
        for index in changes.indices {
            changes[index].parsed = parsed[index]
            let kind = changes[index].source.path.kind
            let old = context.parsed[changes[index].index]
            guard kind != .template, kind != .brand else { return nil }
            if Self.isLocal(old, parsed[index]) { continue }
            guard kind == .lesson || kind == .module, Self.isLocal(old, parsed[index], allowingTitles: true) else { return nil }
            reshapesCourses = true
        }

        // Diagnostics: the changed files' own, then the `#fragment` warnings, each where a full
        // build puts them.
        let oldParsed = changes.map { context.parsed[$0.index] }
        let oldSources = changes.map { context.sources[$0.index] }
        let oldDiagnostics = (context.diagnostics, context.parseDiagnostics, context.anchorDiagnostics)
        for change in changes {
            context.parsed[change.index] = change.parsed
            var stored = change.source
            stored.text = ""
            context.sources[change.index] = stored
            context.next.files[change.source.path.relative] = BuildCache.FileEntry(
                size: change.source.size, modified: change.source.modified, hash: change.source.hash, parsed: change.parsed)
        }
        if zip(oldParsed, changes).contains(where: { $0.diagnostics != $1.parsed.diagnostics }) {
            replaceDiagnostics(\.parseDiagnostics, with: context.parsed.flatMap(\.diagnostics), in: &context)
        }
        let anchorsMoved = zip(oldParsed, changes).contains { old, change in
            !Self.sameLinks(old.anchoredLinks, change.parsed.anchoredLinks)
                || (anchorTargets.contains(change.source.path.relative) && old.page.headings.map(\.id) != change.parsed.page.headings.map(\.id))
        }
        if anchorsMoved {
            var resolver = SiteResolver(config: context.config, includeDrafts: options.includeDrafts)
            resolver.checkAnchors(context.parsed)
            replaceDiagnostics(\.anchorDiagnostics, with: resolver.diagnostics, in: &context)
            anchorTargets = Set(context.parsed.flatMap { $0.anchoredLinks.map(\.target) })
        }
        if context.errorCount > 0 {
            // Nothing is written: the state goes back to what the output on disk shows, so the
            // files are looked at again with the next change (`pending`).
            let report = SiteBuilder.Report(diagnostics: context.diagnostics, pages: context.writtenPages,
                courses: context.site.courses.count, lessons: lessonCount, reusedPages: context.writtenPages,
                seconds: Date().timeIntervalSince(start), succeeded: false)
            for (change, (parsed, source)) in zip(changes, zip(oldParsed, oldSources)) {
                context.parsed[change.index] = parsed
                context.sources[change.index] = source
                context.next.files[source.path.relative] = BuildCache.FileEntry(
                    size: source.size, modified: source.modified, hash: source.hash, parsed: parsed)
            }
            (context.diagnostics, context.parseDiagnostics, context.anchorDiagnostics) = oldDiagnostics
            anchorTargets = Set(context.parsed.flatMap { $0.anchoredLinks.map(\.target) })
            return report
        }

        // The resolved site: the changed pages put in place of the old ones (nothing else of
        // the site can differ, `isLocal` made sure: titles do not decide the order of lessons
        // or modules).
        var changedSources = Set<String>()
        for change in changes {
            let page = change.parsed.page
            changedSources.insert(page.source)
            switch places[page.source] {
            case .page(let p): context.site.pages[p] = page
            case .course(let c): context.site.courses[c].page = page
            case .module(let c, let m): context.site.courses[c].modules[m].page = page
            case .lesson(let c, let m, let l): context.site.courses[c].modules[m].lessons[l].page = page
            case nil: break  // a draft, or inside a drafted course or module: not published
            }
        }

        // The changed pages, rendered; the search index with their entries serialized again;
        // the feed if a post changed. The sitemap and manifest show nothing a patch can change.
        let hashes = Dictionary(changes.map { ("content/" + $0.source.path.relative, $0.source.hash) }) { first, _ in first }
        var courses: [Int]? = []
        for source in changedSources {
            switch places[source] {
            case .course(let c), .module(let c, _), .lesson(let c, _, _): courses?.append(c)
            case .page, nil: courses = nil
            }
        }
        var outputs: [OutputFile]
        if reshapesCourses {
            courseParts = SiteRenderer.CourseParts()
            outputs = Self.renderStale(in: context)
        } else {
            outputs = Self.render(changedSources, courses: courses.map { Array(Set($0)).sorted() }, parts: courseParts,
                hashes: hashes, in: context)
        }
        for output in outputs { context.next.outputKeys[output.cacheName] = output.key }
        let rendered = outputs.count

        var chunksChanged = false
        for source in changedSources {
            guard let chunk = searchChunkBySource[source], let entry = searchEntry(source, in: context) else { continue }
            let bytes = SearchIndex.chunk(entry)
            if bytes != searchChunks[chunk] {
                searchChunks[chunk] = bytes
                chunksChanged = true
            }
        }
        var indexes: [OutputFile] = []
        if chunksChanged { indexes.append(SearchIndex.render(chunks: searchChunks)) }
        if changes.contains(where: { AtomFeed.isPost($0.parsed.page) }) { indexes.append(AtomFeed.render(context)) }
        if reshapesCourses { indexes.append(Manifest(context).render()) }
        for output in indexes {
            // The search index is megabytes on a large site: hashing it is left to `saveCache`,
            // its key meanwhile one that matches nothing (the pipeline then always rewrites it).
            let key = output.path == "search-index.json" ? 0 : ContentHash.of(output.bytes)
            guard key == 0 || context.next.outputKeys[output.cacheName] != key else { continue }
            context.next.outputKeys[output.cacheName] = key
            outputs.append(output)
        }
        // Likewise the index key (a hash over every source), worked out by `saveCache`; until
        // then 0, which makes the pipeline regenerate the indexes rather than trust it.
        context.next.indexKey = 0

        do {
            try OutputWriter(options: options).update(outputs, removing: [])
        } catch {
            // Some files may be written and some not, while the state says all are: the next
            // build starts from nothing, not from the state nor from the cache.
            cleanBuildNeeded = true
            var diagnostics = context.diagnostics
            diagnostics.append(Diagnostic(.error, file: options.outputDirectory, "write output: \(error)"))
            return SiteBuilder.Report(diagnostics: diagnostics, pages: context.writtenPages,
                courses: context.site.courses.count, lessons: lessonCount, reusedPages: context.writtenPages,
                seconds: Date().timeIntervalSince(start), succeeded: false)
        }
        lastRenderedPages = rendered
        context.reusedPages = context.writtenPages - rendered
        return SiteBuilder.Report(diagnostics: context.diagnostics, pages: context.writtenPages,
            courses: context.site.courses.count, lessons: lessonCount, reusedPages: context.reusedPages,
            seconds: Date().timeIntervalSince(start), succeeded: true)
    }

    /// The pages made from `sources`, rendered, each with its incremental key.
    ///
    /// A function of its own so the renderer (which holds a copy of the context) is gone before
    /// the context is changed again.
    private static func render(
        _ sources: Set<String>, courses: [Int]?, parts: SiteRenderer.CourseParts, hashes: [String: UInt64],
        in context: BuildContext
    ) -> [OutputFile] {
        let renderer = SiteRenderer(context: context, assetURLs: context.assetURLs)
        var jobs = renderer.jobs(from: sources, courses: courses, parts: parts)
        for index in jobs.indices {
            jobs[index].key = jobs[index].outputKey(globalKey: context.next.globalKey, sourceHash: hashes[jobs[index].page.source] ?? 0)
        }
        return jobs.parallelMap { job in
            var output = renderer.render(job)
            output.key = job.key
            return output
        }
    }

    /// Every page whose key differs from the one its output was made with, rendered: what the
    /// pipeline's render step does, over the patched site.
    private static func renderStale(in context: BuildContext) -> [OutputFile] {
        let renderer = SiteRenderer(context: context, assetURLs: context.assetURLs)
        let hashes = Dictionary(context.sources.map { ("content/" + $0.path.relative, $0.hash) }) { first, _ in first }
        var jobs = renderer.jobs()
        for index in jobs.indices {
            jobs[index].key = jobs[index].outputKey(globalKey: context.next.globalKey, sourceHash: hashes[jobs[index].page.source] ?? 0)
        }
        let stale = jobs.filter { context.next.outputKeys[$0.cacheName] != $0.key }
        return stale.parallelMap { job in
            var output = renderer.render(job)
            output.key = job.key
            return output
        }
    }

    /// The search-index entry of the page from `source`, as the patched site has it.
    private func searchEntry(_ source: String, in context: BuildContext) -> SearchIndex.Entry? {
        switch places[source] {
        case .page(let p): SearchIndex.pageEntry(context.site.pages[p], context: context)
        case .course(let c): SearchIndex.courseEntry(context.site.courses[c], context: context)
        case .lesson(let c, let m, let l):
            SearchIndex.lessonEntry(context.site.courses[c].modules[m].lessons[l], in: context.site.courses[c], context: context)
        case .module, nil: nil
        }
    }

    /// Puts `diagnostics` where the part at `range` was, moving the parts after it.
    private func replaceDiagnostics(
        _ range: WritableKeyPath<BuildContext, Range<Int>>, with diagnostics: [Diagnostic], in context: inout BuildContext
    ) {
        let old = context[keyPath: range]
        context.diagnostics.replaceSubrange(old, with: diagnostics)
        let shift = diagnostics.count - old.count
        context[keyPath: range] = old.lowerBound..<(old.lowerBound + diagnostics.count)
        for other in [\BuildContext.parseDiagnostics, \BuildContext.anchorDiagnostics] where other != range {
            let part = context[keyPath: other]
            if part.lowerBound >= old.upperBound { context[keyPath: other] = (part.lowerBound + shift)..<(part.upperBound + shift) }
        }
    }

    /// Whether a file's new parse differs from the old one only in what its own pages and its
    /// search entry show: body HTML, excerpt, headings, word count (its reading time), its links'
    /// fragments and its diagnostics. Everything else (title, description, order,
    /// access, quizzes, drafts…) shows on other pages or in the manifest.
    ///
    /// Compared through the cache's serialization, which covers every field but the HTML: a
    /// field added to `ParsedSource` and its cache form is compared without a change here.
    ///
    /// With `allowingTitles`, the title and description may differ too (see `patch`).
    static func isLocal(_ old: ParsedSource, _ new: ParsedSource, allowingTitles: Bool = false) -> Bool {
        func shared(_ parsed: ParsedSource) -> [UInt8] {
            var parsed = parsed
            if allowingTitles {
                parsed.page.title = ""
                parsed.page.description = ""
            }
            parsed.page.wordCount = 0
            parsed.page.excerpt = ""
            parsed.page.headings = []
            parsed.anchoredLinks = []
            parsed.diagnostics = []
            var writer = BinaryWriter()
            parsed.write(to: &writer)
            return writer.bytes
        }
        return shared(old) == shared(new)
    }

    private static func sameLinks(_ a: [ParsedSource.AnchoredLink], _ b: [ParsedSource.AnchoredLink]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.target == $1.target && $0.fragment == $1.fragment && $0.line == $1.line }
    }
}
