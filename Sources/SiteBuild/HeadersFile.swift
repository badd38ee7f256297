/// `_headers` for Cloudflare Pages and Netlify: fingerprinted assets are cached for a year;
/// everything else keeps the hosts' default (`max-age=0, must-revalidate`) so a publish shows at
/// once. Both hosts apply every matching rule and join repeated headers with commas, so the
/// catch-all rule must not set `Cache-Control` too, or assets would get both values.
enum HeadersFile {
    static func render() -> OutputFile {
        let text = """
            /assets/*
              Cache-Control: public, max-age=31536000, immutable

            /*
              X-Content-Type-Options: nosniff
              Referrer-Policy: strict-origin-when-cross-origin

            """
        return OutputFile(path: "_headers", text: text)
    }
}
