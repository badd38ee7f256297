import SiteModel

/// `sitemap.xml` and `robots.txt`: every public, indexable page (teasers included, paid bodies never).
enum Sitemap {
    static func render(_ context: BuildContext) -> [OutputFile] {
        var urls = context.site.pages.filter { !$0.draft }.map(\.url)
        for course in context.site.courses {
            urls.append(course.page.url)
            for module in course.modules {
                urls.append(module.page.url)
                urls += module.lessons.filter { !$0.page.draft }.map(\.page.url)
            }
        }
        if !urls.contains("/courses/"), !context.site.courses.isEmpty { urls.append("/courses/") }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for url in urls.sorted() {
            xml += "  <url><loc>\(XML.escape(context.absolute(url)))</loc></url>\n"
        }
        xml += "</urlset>\n"
        let robots = "User-agent: *\nAllow: /\n\nSitemap: \(context.absolute("/sitemap.xml"))\n"
        return [OutputFile(path: "sitemap.xml", text: xml), OutputFile(path: "robots.txt", text: robots)]
    }
}

/// Escaping for text and attribute values in XML and HTML.
enum XML {
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
