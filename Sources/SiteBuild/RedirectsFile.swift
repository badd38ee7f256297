/// `_redirects` for Netlify and Cloudflare Pages (and `lectern serve`, which applies it the same
/// way): one rule a line, `FROM TO STATUS`. The site's own `static/_redirects` comes first — the
/// hosts use the first rule that matches, so a site can override the build's — then the build's
/// rule that serves every `/certificates/<id>/` from the one verification page (a 200 rewrite).
/// Paths are those of `dist/` as the host sees it, without the site root, like `_headers`.
enum RedirectsFile {
    static let name = "_redirects"

    /// The file, or nil when there is no rule to write (no courses and no `static/_redirects`).
    static func render(_ context: BuildContext) -> OutputFile? {
        var text = ""
        if let own = try? FileSystem.read(context.path("static/" + name)) {
            text = String(decoding: own, as: UTF8.self)
            if !text.isEmpty, !text.hasSuffix("\n") { text += "\n" }
        }
        if LearningPages.isEnabled(for: context) {
            let page = LearningPages.certificates
            text += "# Lectern: every certificate's verification page is the one page at \(page).\n"
            text += "\(page)* \(page)index.html 200\n"
        }
        return text.isEmpty ? nil : OutputFile(path: name, text: text)
    }
}
