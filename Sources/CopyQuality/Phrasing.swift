import Foundation

/// Shared wording, so a check's message and its retry clause name things the same way.
enum Phrasing {
    /// `“a”`, `“a” and “b”`, `“a”, “b” and “c”`.
    static func list(_ items: [String], open: String = "“", close: String = "”", conjunction: String = "and") -> String {
        let quoted = items.map { open + $0 + close }
        guard quoted.count > 1 else { return quoted.first ?? "" }
        return quoted.dropLast().joined(separator: ", ") + " \(conjunction) " + quoted.last!
    }

    /// `headline` → `Headline`, `cta_text` → `Cta text`: a label for fields a template did not declare.
    static func labelFromName(_ name: String) -> String {
        let spaced = name.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " ")
        return spaced.prefix(1).uppercased() + spaced.dropFirst()
    }

    /// A label inside a sentence: `Headline` → `headline`, but `CTA` stays `CTA`.
    static func inSentence(_ label: String) -> String {
        let firstWord = label.prefix { !$0.isWhitespace }
        if firstWord.count > 1, firstWord.allSatisfy({ !$0.isLetter || $0.isUppercase }) { return label }
        return label.prefix(1).lowercased() + label.dropFirst()
    }

    /// "do not use the word 'guaranteed'" or "do not use 'a', 'b' or 'c'".
    static func bannedClause(_ terms: [String]) -> String {
        if terms.count == 1, let term = terms.first {
            let kind = term.contains(" ") ? "phrase" : "word"
            return "do not use the \(kind) '\(term)'"
        }
        return "do not use " + list(terms, open: "'", close: "'", conjunction: "or")
    }

    /// "do not state numbers that are not in the brief (found: 50%, $19)".
    static func numbersClause(_ numbers: [String]) -> String {
        "do not state numbers that are not in the brief (found: \(numbers.joined(separator: ", ")))"
    }

    static let testimonialClause = "do not invent testimonials, quotes from people, reviews or star ratings"
}
