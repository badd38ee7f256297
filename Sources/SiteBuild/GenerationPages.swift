import SiteModel

/// The copy generator's history page (`/account/generations/`), for the `generate` function's
/// API (`functions/openapi.json`, tag `Generate`): the signed-in user's generations, searchable,
/// starred, exportable as CSV.
///
/// Like the account pages it is the same for every visitor — `assets/generate.js` fills it in —
/// so nothing personal is in the build. It is `noindex`, stays out of the sitemap and the search
/// index, and a content page at the same URL takes its place.
enum GenerationPages {
    /// The generate function's routes, as the router serves them.
    static let api = "/api/generate"
    static let url = "/account/generations/"

    /// Whether the site gets the page: only a site with copy templates generates anything.
    static func isEnabled(for context: BuildContext) -> Bool {
        !context.site.templates.isEmpty
    }

    /// The URL the account page links to (`account.urls.generations`), when the page exists.
    static func accountLinks(for context: BuildContext) -> [String: String] {
        guard isEnabled(for: context) else { return [:] }
        return ["generations": context.link(url)]
    }

    /// The history page's render job, unless the site provides the page itself.
    static func jobs(for context: BuildContext) -> [SiteRenderer.Job] {
        guard isEnabled(for: context), !context.site.pages.contains(where: { $0.url == url }) else { return [] }
        // Each entry names its template by id: the page words it with the template's title and
        // output labels, so it changes when those do.
        var key = ContentHash()
        let templates: [[String: Any & Sendable]] = context.site.templates.map { template in
            key.add(template.id)
            key.add(template.title)
            key.add(template.url)
            for output in template.outputs { key.add(output.name + "=" + output.label) }
            return ["id": template.id, "title": template.title, "url": context.link(template.url),
                    "outputs": template.outputs.map { ["name": $0.name, "label": $0.label] as [String: Any & Sendable] }]
        }
        let urls = ["signin": context.link("/account/signin/"), "account": context.link("/account/"),
                    "templates": context.link("/templates/"), "page": context.link(url)]
        let value: [String: Any & Sendable] = [
            "api": api, "csv": api + "/history.csv", "urls": urls, "templates": templates,
        ]
        let page = Page(source: "(generations)", url: url, title: "My generations",
            description: "Copy you generated from the templates: search it, star the best, copy or export it.")
        var job = SiteRenderer.Job(page: page, layout: "generations", makeValues: { ["generations": value] })
        job.key = key.value
        job.noindex = true
        return [job]
    }
}
