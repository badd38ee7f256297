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
        if !context.site.templates.isEmpty { urls += ["/templates/"] + context.site.templates.map(\.url) }
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
        // Bytes, not Characters: grapheme breaking made this a few percent of a build, and
        // the five escaped characters are all ASCII.
        let special: (UInt8) -> Bool = { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }
        guard text.utf8.contains(where: special) else { return text }
        var escaped: [UInt8] = []
        escaped.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case 0x26: escaped += Array("&amp;".utf8)
            case 0x3C: escaped += Array("&lt;".utf8)
            case 0x3E: escaped += Array("&gt;".utf8)
            case 0x22: escaped += Array("&quot;".utf8)
            case 0x27: escaped += Array("&#39;".utf8)
            default: escaped.append(byte)
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }
}
