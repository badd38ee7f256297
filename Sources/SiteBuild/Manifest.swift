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
                            var entry = LessonEntry(id: lesson.id, title: lesson.page.title, url: context.link(lesson.page.url),
                                order: order, access: lesson.access, duration: lesson.duration,
                                privatePath: lesson.isGated ? String(lesson.page.url.dropFirst()) + "index.html" : nil,
                                quizzes: lesson.quizzes.isEmpty ? nil : lesson.quizzes)
                            entry.requires = lesson.requires.isEmpty ? nil : lesson.requires
                            entry.availableAfterDays = lesson.availableAfterDays
                            entry.availableFrom = lesson.availableFrom
                            return entry
                        })
                })
        }
        let offers = context.config.offers.map {
            var entry = OfferEntry(id: $0.id, name: $0.name, price: $0.price, currency: $0.currency, interval: $0.interval,
                courses: $0.courses)
            entry.trialDays = $0.trialDays
            entry.stripePrices = $0.stripePrices.isEmpty ? nil : $0.stripePrices
            entry.plan = $0.plan
            return entry
        }
        self.init(version: "", site: site, courses: courses, offers: offers)
        templates = context.site.templates.isEmpty ? nil : context.site.templates
        brands = context.site.brands.isEmpty ? nil : context.site.brands
        // The version is a hash of everything before it (keys are sorted, so it comes last).
        version = String(ContentHash.of(Self.body(of: self).bytes), radix: 16)
    }

    func render() -> OutputFile {
        var json = Self.body(of: self)
        json.raw(",\n  \"version\" : ")
        json.string(version)
        json.raw("\n}")
        return OutputFile(path: "manifest.json", bytes: json.bytes, destination: .private)
    }

    /// The document up to (not including) `version`, laid out as `JSONEncoder`'s
    /// `.prettyPrinted` + `.sortedKeys` lays it out.
    private static func body(of manifest: Manifest) -> JSONWriter {
        var json = JSONWriter(capacity: manifest.courses.count * 40_000)
        var pretty = PrettyJSON(json: json)
        pretty.open("{")
        if let brands = manifest.brands {
            pretty.key("brands"); pretty.json.raw(compact(brands))
        }
        pretty.key("courses")
        pretty.array(manifest.courses) { pretty, course in
            pretty.open("{")
            pretty.key("id"); pretty.string(course.id)
            pretty.key("modules")
            pretty.array(course.modules) { pretty, module in
                pretty.open("{")
                pretty.key("id"); pretty.string(module.id)
                pretty.key("lessons")
                pretty.array(module.lessons) { pretty, lesson in
                    pretty.open("{")
                    pretty.key("access"); pretty.string(lesson.access.rawValue)
                    if let days = lesson.availableAfterDays { pretty.key("availableAfterDays"); pretty.number(days) }
                    if let from = lesson.availableFrom { pretty.key("availableFrom"); pretty.string(from) }
                    pretty.key("duration"); pretty.number(lesson.duration)
                    pretty.key("id"); pretty.string(lesson.id)
                    pretty.key("order"); pretty.number(lesson.order)
                    if let privatePath = lesson.privatePath { pretty.key("privatePath"); pretty.string(privatePath) }
                    if let quizzes = lesson.quizzes {
                        // Rare and nested: encoded compactly in place (still valid JSON).
                        pretty.key("quizzes"); pretty.json.raw(Self.compact(quizzes))
                    }
                    if let requires = lesson.requires {
                        pretty.key("requires")
                        pretty.array(requires) { pretty, id in pretty.string(id) }
                    }
                    pretty.key("title"); pretty.string(lesson.title)
                    pretty.key("url"); pretty.string(lesson.url)
                    pretty.close("}")
                }
                pretty.key("order"); pretty.number(module.order)
                pretty.key("title"); pretty.string(module.title)
                pretty.key("url"); pretty.string(module.url)
                pretty.close("}")
            }
            if let offer = course.offer { pretty.key("offer"); pretty.string(offer) }
            pretty.key("title"); pretty.string(course.title)
            pretty.key("url"); pretty.string(course.url)
            pretty.close("}")
        }
        pretty.key("offers")
        pretty.array(manifest.offers) { pretty, offer in
            pretty.open("{")
            pretty.key("courses")
            pretty.array(offer.courses) { pretty, id in pretty.string(id) }
            pretty.key("currency"); pretty.string(offer.currency)
            pretty.key("id"); pretty.string(offer.id)
            if let interval = offer.interval { pretty.key("interval"); pretty.string(interval) }
            pretty.key("name"); pretty.string(offer.name)
            if let plan = offer.plan { pretty.key("plan"); pretty.string(plan) }
            pretty.key("price"); pretty.decimal(offer.price)
            if let prices = offer.stripePrices {
                pretty.key("stripePrices")
                pretty.open("{")
                for environment in prices.keys.sorted() { pretty.key(environment); pretty.string(prices[environment]!) }
                pretty.close("}")
            }
            if let days = offer.trialDays { pretty.key("trialDays"); pretty.number(days) }
            pretty.close("}")
        }
        pretty.key("site")
        pretty.open("{")
        pretty.key("baseURL"); pretty.string(manifest.site.baseURL)
        pretty.key("title"); pretty.string(manifest.site.title)
        pretty.close("}")
        if let templates = manifest.templates {
            pretty.key("templates"); pretty.json.raw(compact(templates))
        }
        json = pretty.json
        return json
    }
}

extension Manifest {
    /// Rare, nested parts (quizzes, templates, brands), encoded compactly in place.
    static func compact<T: Encodable>(_ values: [T]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(values)) ?? Data("[]".utf8), as: UTF8.self)
    }
}

/// Indentation and commas for `JSONWriter`, matching `JSONEncoder`'s pretty printing:
/// two spaces per level, `"key" : value`, an empty array as `[`, a blank line, `]`.
private struct PrettyJSON {
    var json: JSONWriter
    /// Per open container: whether it has had an entry yet.
    private var hasEntries: [Bool] = []

    init(json: JSONWriter) {
        self.json = json
    }

    private mutating func newline(_ depth: Int) {
        json.raw("\n")
        json.raw(String(repeating: "  ", count: depth))
    }

    /// Separator and indentation before a value in the current container (arrays) — keys do
    /// this themselves.
    mutating func item() {
        if hasEntries.last == true { json.raw(",") }
        if !hasEntries.isEmpty { hasEntries[hasEntries.count - 1] = true }
        newline(hasEntries.count)
    }

    mutating func key(_ name: String) {
        item()
        json.string(name)
        json.raw(" : ")
    }

    /// Opens an object; in an array, as an item.
    mutating func open(_ bracket: StaticString) {
        json.raw(bracket)
        hasEntries.append(false)
    }

    mutating func close(_ bracket: StaticString) {
        let had = hasEntries.removeLast()
        if !had { json.raw("\n") }
        newline(hasEntries.count)
        json.raw(bracket)
    }

    mutating func array<T>(_ items: [T], _ each: (inout PrettyJSON, T) -> Void) {
        open("[")
        for element in items {
            item()
            each(&self, element)
        }
        close("]")
    }

    mutating func string(_ value: String) { json.string(value) }
    mutating func number(_ value: Int) { json.number(value) }

    /// As `JSONEncoder` writes a Double: no `.0` on whole numbers.
    mutating func decimal(_ value: Double) {
        if value.rounded() == value, abs(value) < 1e15 { json.number(Int(value)) } else { json.raw("\(value)") }
    }
}
