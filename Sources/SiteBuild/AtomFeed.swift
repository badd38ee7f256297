import SiteModel

/// `feed.xml`: an Atom feed of the posts under `content/updates/`, newest first.
enum AtomFeed {
    static let limit = 30

    /// Whether the feed lists `page`.
    static func isPost(_ page: Page) -> Bool {
        page.source.hasPrefix("content/updates/") && !page.source.hasSuffix("_index.md") && !page.draft
    }

    static func render(_ context: BuildContext) -> OutputFile {
        let posts = context.site.pages.filter(isPost)
            .sorted { ($0.date ?? "") > ($1.date ?? "") }
            .prefix(limit)
        let updated = posts.first?.date.map { $0 + "T00:00:00Z" } ?? "1970-01-01T00:00:00Z"
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
              <title>\(XML.escape(context.config.title))</title>
              <link href="\(XML.escape(context.absolute("/")))"/>
              <link rel="self" href="\(XML.escape(context.absolute("/feed.xml")))"/>
              <id>\(XML.escape(context.absolute("/")))</id>
              <updated>\(updated)</updated>

            """
        for post in posts {
            let url = XML.escape(context.absolute(post.url))
            xml += """
                  <entry>
                    <title>\(XML.escape(post.title))</title>
                    <link href="\(url)"/>
                    <id>\(url)</id>
                    <updated>\(post.date ?? "1970-01-01")T00:00:00Z</updated>
                    <author><name>\(XML.escape(context.config.author.isEmpty ? context.config.title : context.config.author))</name></author>
                    <summary>\(XML.escape(post.description.isEmpty ? post.excerpt : post.description))</summary>
                    <content type="html">\(XML.escape(post.html))</content>
                  </entry>

                """
        }
        xml += "</feed>\n"
        return OutputFile(path: "feed.xml", text: xml)
    }
}
