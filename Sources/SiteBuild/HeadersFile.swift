/// `_headers` for Cloudflare Pages and Netlify: fingerprinted assets are cached for a year,
/// everything else is revalidated so a publish shows at once.
enum HeadersFile {
    static func render() -> OutputFile {
        let text = """
            /assets/*
              Cache-Control: public, max-age=31536000, immutable

            /*
              Cache-Control: public, max-age=0, must-revalidate
              X-Content-Type-Options: nosniff
              Referrer-Policy: strict-origin-when-cross-origin

            """
        return OutputFile(path: "_headers", text: text)
    }
}
