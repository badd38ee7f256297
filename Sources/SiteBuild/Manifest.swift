import Foundation
import SiteModel

/// Builds the manifest (see `SiteModel.Manifest`) from a resolved site.
extension Manifest {
    init(_ context: BuildContext) {
        let site = SiteInfo(title: context.config.title, baseURL: context.config.baseURL)
        var order = 0
        let courses = context.site.courses.map { course in
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
        let offers = context.config.offers.map {
            OfferEntry(id: $0.id, name: $0.name, price: $0.price, currency: $0.currency, interval: $0.interval,
                courses: $0.courses)
        }
        self.init(version: "", site: site, courses: courses, offers: offers)
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
