import Foundation
import SiteModel

/// What the previous build knew, kept under `.lectern/cache/` so the next build redoes only
/// what a change touches: each source's signature, content hash and parsed metadata (not its
/// HTML), and the key of every page and index it wrote.
struct BuildCache: Sendable {
    static let formatVersion = 6
    static let fileName = "build.cache"

    /// Hash of everything all pages depend on: config, theme, options, the set of files.
    var globalKey: UInt64 = 0
    /// Hash of what decides how files parse (see `BuildContext.parseKey`).
    var parseKey: UInt64 = 0
    var files: [String: FileEntry] = [:]
    /// Output path (`public:` or `private:` + path) → key of the inputs it was rendered from.
    var outputKeys: [String: UInt64] = [:]
    /// Hash of what the site-wide indexes (sitemap, feed, search index, manifest) show, and the
    /// outputs they were: unchanged, an incremental build keeps the files already written.
    var indexKey: UInt64 = 0
    var indexOutputs: [String] = []

    struct FileEntry: Sendable {
        var size: Int
        var modified: Int
        var hash: UInt64
        /// The parsed file with an empty `page.html`: re-parsed when its page must be re-rendered.
        var parsed: ParsedSource
    }

    static func load(from directory: String) -> BuildCache? {
        guard let bytes = try? FileSystem.read(directory + "/" + fileName) else { return nil }
        var reader = BinaryReader(bytes)
        do {
            guard try reader.readInt() == formatVersion else { return nil }
            var cache = BuildCache()
            cache.globalKey = try reader.readUInt64()
            cache.parseKey = try reader.readUInt64()
            for _ in 0..<(try reader.readInt()) {
                let path = try reader.readString()
                let entry = FileEntry(size: try reader.readInt(), modified: try reader.readInt(),
                    hash: try reader.readUInt64(), parsed: try ParsedSource(reading: &reader, path: ContentPath(path)))
                cache.files[path] = entry
            }
            for _ in 0..<(try reader.readInt()) {
                cache.outputKeys[try reader.readString()] = try reader.readUInt64()
            }
            cache.indexKey = try reader.readUInt64()
            for _ in 0..<(try reader.readInt()) {
                cache.indexOutputs.append(try reader.readString())
            }
            return reader.isAtEnd ? cache : nil
        } catch {
            return nil
        }
    }

    func save(to directory: String) throws {
        var writer = BinaryWriter()
        writer.write(Self.formatVersion)
        writer.write(globalKey)
        writer.write(parseKey)
        writer.write(files.count)
        for (path, entry) in files {
            writer.write(path)
            writer.write(entry.size)
            writer.write(entry.modified)
            writer.write(entry.hash)
            entry.parsed.write(to: &writer)
        }
        writer.write(outputKeys.count)
        for (path, key) in outputKeys {
            writer.write(path)
            writer.write(key)
        }
        writer.write(indexKey)
        writer.write(indexOutputs.count)
        for name in indexOutputs {
            writer.write(name)
        }
        try FileSystem.makeDirectories(directory)
        try FileSystem.writeAtomically(writer.bytes, to: directory + "/" + Self.fileName)
    }
}

extension ParsedSource {
    /// The cached form: everything but the body HTML.
    func write(to writer: inout BinaryWriter) {
        writer.write(page.source)
        writer.write(page.url)
        writer.write(page.title)
        writer.write(page.description)
        writer.write(page.layout)
        writer.write(page.date)
        writer.write(page.draft)
        writer.write(page.image)
        writer.write(page.weight)
        writer.write(page.wordCount)
        writer.write(page.excerpt)
        writer.write(page.headings.count)
        for heading in page.headings {
            writer.write(heading.level)
            writer.write(heading.id)
            writer.write(heading.title)
        }
        writer.write(id)
        writer.write(duration)
        writer.write(access?.rawValue)
        writer.write(level)
        writer.write(offer)
        writer.write(anchoredLinks.count)
        for link in anchoredLinks {
            writer.write(link.target)
            writer.write(link.fragment)
            writer.write(link.line)
        }
        writer.write(template.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) })
        writer.write(brand.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) })
        writer.write(requires.count)
        for id in requires { writer.write(id) }
        writer.write(requiresLine)
        writer.write(availableAfterDays)
        writer.write(availableFrom)
        // Quizzes are rare and nested: kept as JSON rather than field by field.
        writer.write(quizzes.isEmpty ? nil : String(decoding: (try? JSONEncoder().encode(quizzes)) ?? Data(), as: UTF8.self))
        writer.write(diagnostics.count)
        for diagnostic in diagnostics {
            writer.write(diagnostic.severity == .error)
            writer.write(diagnostic.file)
            writer.write(diagnostic.line)
            writer.write(diagnostic.column)
            writer.write(diagnostic.message)
        }
    }

    init(reading reader: inout BinaryReader, path: ContentPath) throws {
        var page = Page(source: try reader.readString(), url: try reader.readString(), title: try reader.readString())
        page.description = try reader.readString()
        page.layout = try reader.readOptionalString()
        page.date = try reader.readOptionalString()
        page.draft = try reader.readBool()
        page.image = try reader.readOptionalString()
        page.weight = try reader.readOptionalInt()
        page.wordCount = try reader.readInt()
        page.excerpt = try reader.readString()
        for _ in 0..<(try reader.readInt()) {
            page.headings.append(Heading(level: try reader.readInt(), id: try reader.readString(), title: try reader.readString()))
        }
        self.init(path: path, page: page)
        id = try reader.readOptionalString()
        duration = try reader.readOptionalInt()
        access = try reader.readOptionalString().flatMap(Access.init(rawValue:))
        level = try reader.readOptionalString()
        offer = try reader.readOptionalString()
        for _ in 0..<(try reader.readInt()) {
            anchoredLinks.append(AnchoredLink(target: try reader.readString(), fragment: try reader.readString(),
                line: try reader.readInt()))
        }
        template = try reader.readOptionalString().flatMap { try? JSONDecoder().decode(PromptTemplate.self, from: Data($0.utf8)) }
        brand = try reader.readOptionalString().flatMap { try? JSONDecoder().decode(BrandProfile.self, from: Data($0.utf8)) }
        for _ in 0..<(try reader.readInt()) { requires.append(try reader.readString()) }
        requiresLine = try reader.readOptionalInt()
        availableAfterDays = try reader.readOptionalInt()
        availableFrom = try reader.readOptionalString()
        if let json = try reader.readOptionalString() {
            quizzes = (try? JSONDecoder().decode([Quiz].self, from: Data(json.utf8))) ?? []
        }
        for _ in 0..<(try reader.readInt()) {
            let severity: Diagnostic.Severity = try reader.readBool() ? .error : .warning
            diagnostics.append(Diagnostic(severity, file: try reader.readString(), line: try reader.readOptionalInt(),
                column: try reader.readOptionalInt(), try reader.readString()))
        }
        bodyIsCached = true
    }
}
