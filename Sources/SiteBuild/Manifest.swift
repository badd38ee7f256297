import Foundation
import SiteModel

/// `manifest.json` in the private output: what the functions know of the site — courses,
/// modules, lessons (ids, URLs, access, order), offers — and a version hash.
/// Functions read this; they never parse Markdown.
struct Manifest: Codable, Sendable {
    var version: String
    var site: SiteInfo
    var courses: [CourseEntry]
    var offers: [OfferEntry]

    struct SiteInfo: Codable, Sendable {
        var title: String
        var baseURL: String
    }

    struct CourseEntry: Codable, Sendable {
        var id: String
        var title: String
        var url: String
        var offer: String?
        var modules: [ModuleEntry]
    }

    struct ModuleEntry: Codable, Sendable {
        var id: String
        var title: String
        var url: String
        var order: Int
        var lessons: [LessonEntry]
    }

    struct LessonEntry: Codable, Sendable {
        var id: String
        var title: String
        var url: String
        var order: Int
        var access: Access
        var duration: Int
        /// The private HTML of a paid lesson, relative to the private output folder.
        var privatePath: String?
    }

    struct OfferEntry: Codable, Sendable {
        var id: String
        var name: String
        var price: Double
        var currency: String
        var interval: String?
        var courses: [String]
    }

    init(_ context: BuildContext) {
        site = SiteInfo(title: context.config.title, baseURL: context.config.baseURL)
        var order = 0
        courses = context.site.courses.map { course in
            CourseEntry(id: course.id, title: course.page.title, url: context.link(course.page.url), offer: course.offer,
                modules: course.modules.enumerated().map { index, module in
                    ModuleEntry(id: module.id, title: module.page.title, url: context.link(module.page.url),
                        order: index + 1,
                        lessons: module.lessons.map { lesson in
                            order += 1
                            return LessonEntry(id: lesson.id, title: lesson.page.title, url: context.link(lesson.page.url),
                                order: order, access: lesson.access, duration: lesson.duration,
                                privatePath: lesson.access == .paid ? String(lesson.page.url.dropFirst()) + "index.html" : nil)
                        })
                })
        }
        offers = context.config.offers.map {
            OfferEntry(id: $0.id, name: $0.name, price: $0.price, currency: $0.currency, interval: $0.interval,
                courses: $0.courses)
        }
        version = ""
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = (try? encoder.encode(self)) ?? Data()
        version = String(ContentHash.of(Array(body)), radix: 16)
    }

    func render() -> OutputFile {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data()
        return OutputFile(path: "manifest.json", bytes: Array(data), destination: .private)
    }
}
