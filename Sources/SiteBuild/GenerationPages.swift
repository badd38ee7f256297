import SiteModel

/// The copy generator's history page (`/account/generations/`), for the `generate` function's
/// API (`functions/openapi.json`, tag `Generate`): the signed-in user's generations, searchable,
/// starred, exportable as CSV.
///
/// Like the account pages it is the same for every visitor — `assets/generate.js` fills it in —
/// so nothing personal is in the build. It is `noindex`, stays out of the sitemap and the search
/// index, and a content page at the same URL takes its place. Beside it the batch jobs page
/// (`/account/batches/`, layout `batches`): one generation per row of a CSV, its progress, its
/// results as CSV.
enum GenerationPages {
    /// The generate function's routes, as the router serves them.
    static let api = "/api/generate"
    static let url = "/account/generations/"
    static let batchesURL = "/account/batches/"

    /// Whether the site gets the page: only a site with copy templates generates anything.
    static func isEnabled(for context: BuildContext) -> Bool {
        !context.site.templates.isEmpty
    }

    /// The URL the account page links to (`account.urls.generations`), when the page exists.
    static func accountLinks(for context: BuildContext) -> [String: String] {
        guard isEnabled(for: context) else { return [:] }
        return ["generations": context.link(url), "batches": context.link(batchesURL)]
    }

    /// The history and batch pages' render jobs, unless the site provides a page itself.
    static func jobs(for context: BuildContext) -> [SiteRenderer.Job] {
        historyJobs(for: context) + batchJobs(for: context)
    }

    static func historyJobs(for context: BuildContext) -> [SiteRenderer.Job] {
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
                    "templates": context.link("/templates/"), "page": context.link(url),
                    "batches": context.link(batchesURL)]
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

    /// The batch jobs page's render job: a form to queue a CSV against a template (the page lists
    /// each template's id, title and inputs, to say what the header must name) and the jobs.
    static func batchJobs(for context: BuildContext) -> [SiteRenderer.Job] {
        guard isEnabled(for: context), !context.site.pages.contains(where: { $0.url == batchesURL }) else { return [] }
        var key = ContentHash()
        let templates: [[String: Any & Sendable]] = context.site.templates.map { template in
            key.add(template.id)
            key.add(template.title)
            key.add(template.url)
            for input in template.inputs { key.add(input.name + "=" + input.label + (input.required ? "!" : "")) }
            let inputs: [[String: Any & Sendable]] = template.inputs.enumerated().map { index, input in
                ["name": input.name, "label": input.label, "required": input.required, "last": index == template.inputs.count - 1]
            }
            return ["id": template.id, "title": template.title, "url": context.link(template.url), "inputs": inputs,
                    "header": template.inputs.map(\.name).joined(separator: ",")]
        }
        let urls = ["signin": context.link("/account/signin/"), "account": context.link("/account/"),
                    "templates": context.link("/templates/"), "generations": context.link(url),
                    "page": context.link(batchesURL)]
        let value: [String: Any & Sendable] = ["api": api + "/batches", "urls": urls, "templates": templates]
        let page = Page(source: "(batches)", url: batchesURL, title: "Batch jobs",
            description: "Generate copy for many rows at once: upload a CSV, follow the job, download the results.")
        var job = SiteRenderer.Job(page: page, layout: "batches", makeValues: { ["batches": value] })
        job.key = key.value
        job.noindex = true
        return [job]
    }
}
