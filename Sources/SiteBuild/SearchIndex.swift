import Foundation
import SiteModel

/// `search-index.json`: the public text a client-side search box looks through.
///
/// A gated lesson (paid, preview, or with prerequisites or drip) contributes its title and
/// description only: its body stays in the private output.
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

    static func entries(_ context: BuildContext) -> [Entry] {
        var entries: [Entry] = context.site.pages.filter { !$0.draft }.map { page in
            Entry(title: page.title, url: context.link(page.url), section: "", description: page.description,
                text: page.excerpt)
        }
        for course in context.site.courses {
            entries.append(Entry(title: course.page.title, url: context.link(course.page.url), section: "Courses",
                description: course.page.description, text: course.page.excerpt))
            for lesson in course.lessons {
                let isPublic = !lesson.isGated
                let headings = lesson.page.headings.map(\.title).joined(separator: " · ")
                entries.append(Entry(title: lesson.page.title, url: context.link(lesson.page.url),
                    section: course.page.title, description: lesson.page.description,
                    text: isPublic ? headings + (headings.isEmpty ? "" : " — ") + lesson.page.excerpt : ""))
            }
        }
        return entries
    }

    static func render(_ context: BuildContext) -> OutputFile {
        let entries = entries(context)
        var json = JSONWriter(capacity: entries.count * 400)
        json.raw("{\"pages\":[")
        for (index, entry) in entries.enumerated() {
            if index > 0 { json.raw(",") }
            // Keys in sorted order, as `JSONEncoder`'s `.sortedKeys` wrote them.
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
        }
        json.raw("]}")
        return OutputFile(path: "search-index.json", bytes: json.bytes)
    }
}
