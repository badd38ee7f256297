import Foundation
import SiteModel

/// `search-index.json`: the public text a client-side search box looks through.
///
/// A gated lesson (paid, preview, or with prerequisites or drip) contributes its title and
/// description only: its body stays in the private output.
///
/// Each entry is serialized on its own (a chunk) and the file is the chunks joined: a resident
/// rebuild re-serializes the entry of the page that changed and joins the rest as they were.
enum SearchIndex {
    struct Entry: Codable {
        var title: String
        var url: String
        var section: String
        var description: String
        var text: String
    }

    struct Document: Codable {
        var pages: [Entry]
    }

    /// Every entry, in the file's order, with the source file it comes from.
    static func entries(_ context: BuildContext) -> [(source: String, entry: Entry)] {
        var entries = context.site.pages.filter { !$0.draft }.map { page in
            (page.source, pageEntry(page, context: context))
        }
        for course in context.site.courses {
            entries.append((course.page.source, courseEntry(course, context: context)))
            for lesson in course.lessons {
                entries.append((lesson.page.source, lessonEntry(lesson, in: course, context: context)))
            }
        }
        return entries
    }

    static func pageEntry(_ page: Page, context: BuildContext) -> Entry {
        Entry(title: page.title, url: context.link(page.url), section: "", description: page.description, text: page.excerpt)
    }

    static func courseEntry(_ course: Course, context: BuildContext) -> Entry {
        Entry(title: course.page.title, url: context.link(course.page.url), section: "Courses",
            description: course.page.description, text: course.page.excerpt)
    }

    static func lessonEntry(_ lesson: Lesson, in course: Course, context: BuildContext) -> Entry {
        let headings = lesson.page.headings.map(\.title).joined(separator: " · ")
        return Entry(title: lesson.page.title, url: context.link(lesson.page.url), section: course.page.title,
            description: lesson.page.description,
            text: lesson.isGated ? "" : headings + (headings.isEmpty ? "" : " — ") + lesson.page.excerpt)
    }

    /// One entry as JSON, keys in sorted order (as `JSONEncoder`'s `.sortedKeys` wrote them).
    static func chunk(_ entry: Entry) -> [UInt8] {
        var json = JSONWriter(capacity: 128 + entry.text.utf8.count + entry.description.utf8.count)
        json.raw("{\"description\":")
        json.string(entry.description)
        json.raw(",\"section\":")
        json.string(entry.section)
        json.raw(",\"text\":")
        json.string(entry.text)
        json.raw(",\"title\":")
        json.string(entry.title)
        json.raw(",\"url\":")
        json.string(entry.url)
        json.raw("}")
        return json.bytes
    }

    static func render(_ context: BuildContext) -> OutputFile {
        render(chunks: entries(context).map { chunk($0.entry) })
    }

    /// The file from its entries' chunks.
    static func render(chunks: [[UInt8]]) -> OutputFile {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(chunks.reduce(16) { $0 + $1.count + 1 })
        bytes += Array("{\"pages\":[".utf8)
        for (index, chunk) in chunks.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += chunk
        }
        bytes += Array("]}".utf8)
        return OutputFile(path: "search-index.json", bytes: bytes)
    }
}
