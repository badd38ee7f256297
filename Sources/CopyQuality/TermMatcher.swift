/// Finds banned words and claims in copy: case-insensitively, as whole words or phrases.
///
/// Whole words mean the characters on either side of a match are not letters or digits, so
/// "cure" does not match "cured" or "secure", and "guaranteed" does not match "unguaranteed":
/// a different word is a different word, and a list that wants it lists it. Hyphens and runs of
/// whitespace are the same separator, so "risk free" also catches "risk-free" and "risk  free".
/// Symbols in a term are literal: "#1" matches "#1" but not "#10", and "100%" not "1100%".
struct TermMatcher: Sendable {
    private let characters: [Character]

    init(_ text: String) {
        characters = Self.normalize(text)
    }

    /// True when `term` occurs in the text as a whole word or phrase.
    func contains(_ term: String) -> Bool {
        let needle = Self.normalize(term)
        guard !needle.isEmpty, needle.count <= characters.count else { return false }
        var start = 0
        while start + needle.count <= characters.count {
            if characters[start] == needle[0], characters[start..<start + needle.count].elementsEqual(needle),
                isBoundary(before: start, term: needle), isBoundary(after: start + needle.count, term: needle)
            {
                return true
            }
            start += 1
        }
        return false
    }

    /// The terms that occur in the text, in the list's order, once per spelling that means the
    /// same ("risk-free" and "risk free" report once, as the one listed first).
    func matches(_ terms: [String]) -> [String] {
        var seen = Set<[Character]>()
        return terms.filter { term in
            let key = Self.normalize(term)
            guard !key.isEmpty, seen.insert(key).inserted else { return false }
            return contains(term)
        }
    }

    /// Lowercased, typographic apostrophes made plain, hyphens and whitespace runs made one space.
    static func normalize(_ text: String) -> [Character] {
        var result: [Character] = []
        for character in text.lowercased() {
            if character.isWhitespace || hyphens.contains(character) {
                if result.last != " " { result.append(" ") }
            } else {
                result.append(character == "’" ? "'" : character)
            }
        }
        while result.first == " " { result.removeFirst() }
        while result.last == " " { result.removeLast() }
        return result
    }

    private static let hyphens: Set<Character> = ["-", "\u{2010}", "\u{2011}"]

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber
    }

    // A term's edge that is a symbol (`#1`, `100%`) needs no boundary on that side; an edge that
    // is a digit must not continue a number ("2.100%", "1,100%").
    private func isBoundary(before index: Int, term: [Character]) -> Bool {
        guard let first = term.first, Self.isWordCharacter(first), index > 0 else { return true }
        let previous = characters[index - 1]
        if Self.isWordCharacter(previous) { return false }
        if first.isNumber, previous == "." || previous == ",", index > 1, characters[index - 2].isNumber { return false }
        return true
    }

    private func isBoundary(after index: Int, term: [Character]) -> Bool {
        guard let last = term.last, Self.isWordCharacter(last), index < characters.count else { return true }
        let next = characters[index]
        if Self.isWordCharacter(next) { return false }
        if last.isNumber, next == "." || next == ",", index + 1 < characters.count, characters[index + 1].isNumber {
            return false
        }
        return true
    }
}
