extension Email {
    /// The `http://` and `https://` links in the body, in order, without the punctuation that
    /// ends a sentence around them (`… at https://example.com/verify.`).
    public var links: [String] {
        text.matches(of: /(?i)https?:\/\/[^\s<>"]+/).map { match in
            var link = match.output[...]
            while let last = link.last, ".,;:!?)]}'".contains(last) { link.removeLast() }
            return String(link)
        }
    }
}
