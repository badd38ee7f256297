/// GitHub-style heading anchors, so `#goal` links written for GitHub keep working.
enum Slug {
    /// Lower-cases, keeps letters, digits, `-` and `_`, turns spaces into `-`, drops the rest.
    static func make(_ text: String) -> String {
        var slug = ""
        slug.reserveCapacity(text.utf8.count)
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "-" || character == "_" {
                slug.append(character)
            } else if character == " " {
                slug.append("-")
            }
        }
        return slug.isEmpty ? "section" : slug
    }
}
