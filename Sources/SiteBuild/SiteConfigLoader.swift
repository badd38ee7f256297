import SiteModel
import Yams

/// Reads `content/site.yaml` into a `SiteConfig`, reporting every bad field with its line.
enum SiteConfigLoader {
    static let file = "content/site.yaml"
    static let knownFields = [
        "title", "description", "base_url", "language", "author", "social_image", "nav", "footer_nav", "offers",
    ]
    static let knownOfferFields = [
        "id", "name", "description", "price", "currency", "interval", "features", "courses", "cta", "cta_url",
        "highlighted", "trial_days", "stripe_price", "plan",
    ]

    static func load(yaml: String?, diagnostics: inout [Diagnostic]) -> SiteConfig {
        var config = SiteConfig()
        guard let yaml else {
            diagnostics.append(
                Diagnostic(.warning, file: file, "no site config; using defaults (create \(file) with title and base_url)"))
            return config
        }
        var fields = FieldReader(
            file: file, fields: FrontMatter.parseFields(yaml, file: file, firstLine: 1, diagnostics: &diagnostics))
        config.title = fields.string("title") ?? config.title
        config.description = fields.string("description") ?? ""
        if let base = fields.string("base_url") {
            if base.hasPrefix("http://") || base.hasPrefix("https://") {
                config.baseURL = base.hasSuffix("/") ? String(base.dropLast()) : base
            } else {
                fields.report(.error, line: fields.fields["base_url"]?.line,
                    "field `base_url` is `\(base)`; write an absolute URL such as https://example.com")
            }
        }
        config.language = fields.string("language") ?? "en"
        config.author = fields.string("author") ?? ""
        config.socialImage = fields.string("social_image")
        config.nav = navItems(fields.node("nav"), key: "nav", into: &fields)
        config.footerNav = navItems(fields.node("footer_nav"), key: "footer_nav", into: &fields)
        config.offers = offers(fields.node("offers"), into: &fields)
        fields.finish(known: knownFields)
        diagnostics += fields.diagnostics
        return config
    }

    private static func navItems(_ field: FrontMatter.Field?, key: String, into reader: inout FieldReader) -> [NavItem] {
        guard let field else { return [] }
        guard let items = field.node.sequence else {
            reader.report(.error, line: field.line, "field `\(key)` must be a list of {title, url}")
            return []
        }
        return items.compactMap { item in
            guard let title = item["title"]?.string, let url = item["url"]?.string else {
                reader.report(.error, line: (item.mark?.line ?? field.line), "each `\(key)` entry needs `title` and `url`")
                return nil
            }
            return NavItem(title: title, url: url)
        }
    }

    private static func offers(_ field: FrontMatter.Field?, into reader: inout FieldReader) -> [Offer] {
        guard let field else { return [] }
        guard let items = field.node.sequence else {
            reader.report(.error, line: field.line, "field `offers` must be a list of offers")
            return []
        }
        var offers: [Offer] = []
        for item in items {
            let line = item.mark?.line ?? field.line
            guard let mapping = item.mapping else {
                reader.report(.error, line: line, "each offer must be a mapping with at least `id` and `name`")
                continue
            }
            var fields = FieldReader(file: file, fields: FrontMatter.fields(of: mapping, firstLine: 1))
            guard let id = fields.string("id"), let name = fields.string("name") else {
                reader.report(.error, line: line, "an offer needs `id` and `name`")
                continue
            }
            var offer = Offer(id: id, name: name)
            offer.description = fields.string("description") ?? ""
            offer.price = fields.number("price") ?? 0
            offer.currency = fields.string("currency") ?? "USD"
            offer.interval = fields.string("interval")
            if let interval = offer.interval, !["month", "year"].contains(interval) {
                fields.report(.error, line: fields.fields["interval"]?.line,
                    "offer `\(id)`: `interval` is `\(interval)`; use `month` or `year`, or leave it out for a one-time price")
            }
            offer.features = fields.stringList("features") ?? []
            offer.courses = fields.stringList("courses") ?? []
            offer.cta = fields.string("cta") ?? (offer.price == 0 ? "Start free" : "Get \(name)")
            offer.ctaURL = fields.string("cta_url")
            offer.highlighted = fields.bool("highlighted") ?? false
            offer.trialDays = fields.int("trial_days", meaning: "a whole number of days")
            offer.plan = fields.string("plan")
            if let prices = fields.node("stripe_price") {
                // `stripe_price: price_…` (one for every environment) or `{test: price_…, live: price_…}`.
                if let single = prices.node.string {
                    offer.stripePrices = ["test": single, "live": single]
                } else if let mapping = prices.node.mapping {
                    for (key, value) in mapping {
                        guard let environment = key.string, ["test", "live"].contains(environment), let price = value.string, !price.isEmpty else {
                            reader.report(.error, line: key.mark?.line ?? prices.line,
                                          "offer `\(id)`: `stripe_price` takes `test` and `live` price ids, like `live: price_1Abc…`")
                            continue
                        }
                        offer.stripePrices[environment] = price
                    }
                } else {
                    reader.report(.error, line: prices.line, "offer `\(id)`: `stripe_price` must be a price id or a mapping of `test` and `live` ids")
                }
            }
            fields.finish(known: knownOfferFields)
            offers.append(offer)
            for diagnostic in fields.diagnostics { reader.report(diagnostic.severity, line: diagnostic.line, diagnostic.message) }
        }
        if Set(offers.map(\.id)).count != offers.count {
            reader.report(.error, line: field.line, "two offers share an id; every offer needs its own `id`")
        }
        return offers
    }
}
