import Foundation

/// Counts English syllables by rule, without a dictionary.
///
/// Deterministic and small rather than exact; readability formulas were calibrated with
/// hand counts, and a heuristic within a syllable on unusual words moves a score by little.
/// The rules, applied to each run of letters (diacritics folded, apostrophes dropped):
/// 1. Each group of consecutive vowels (a e i o u, and y except as the first letter) is one.
/// 2. A final silent `e` after a consonant is not ("make", "whale"), except consonant + `le`
///    ("table", "little").
/// 3. A final `es` after a consonant is not ("makes", "times"), except after s, x, z, c, g,
///    ch, sh, or consonant + `l` ("boxes", "places", "tables").
/// 4. A final `ed` after a consonant is not ("jumped", "called"), except after t, d or
///    consonant + `l` ("wanted", "handled").
/// 5. A final `ely` after a consonant loses its `e` ("lovely", "safely").
/// 6. `ing` after a vowel is its own syllable ("going", "saying").
/// 7. A final `io`, `eo` or `ia` (plural too) is two ("radio", "videos", "media").
/// 8. A silent `e` before `ful`, `less`, `ness` or `ment` is not counted ("useful",
///    "timeless", "statement"), except after `l` ("element", "settlement").
/// 9. A written `é` at the end is heard ("café").
/// Every word has at least one. Hyphenated words count their parts ("one-click" is 2).
/// Known misses: vowel pairs said as two inside a word ("create", "experience", "reliable")
/// count as one, and "business" counts three.
public enum SyllableCounter {
    /// The syllables in one word; at least 1 for any word with a letter or digit, else 0.
    public static func count(_ word: String) -> Int {
        let accentedFinalE = word.lowercased().last { $0.isLetter } == "é"
        let folded = word.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
            .lowercased()
            .replacingOccurrences(of: "'", with: "")
            .replacingOccurrences(of: "’", with: "")
        let parts = folded.split { !($0.isASCII && $0.isLetter) }
        guard !parts.isEmpty else { return word.contains { $0.isLetter || $0.isNumber } ? 1 : 0 }
        return parts.indices.reduce(0) { total, index in
            let isLast = index == parts.count - 1
            return total + countPart(Array(parts[index]), silentFinalE: !(isLast && accentedFinalE))
        }
    }

    private static let vowels: Set<Character> = ["a", "e", "i", "o", "u", "y"]

    private static func isVowel(_ letters: [Character], _ index: Int) -> Bool {
        vowels.contains(letters[index]) && !(letters[index] == "y" && index == 0)
    }

    private static func isConsonant(_ letters: [Character], _ index: Int) -> Bool {
        index >= 0 && !isVowel(letters, index)
    }

    private static func countPart(_ letters: [Character], silentFinalE: Bool) -> Int {
        var count = 0
        var previousWasVowel = false
        for index in letters.indices {
            let vowel = isVowel(letters, index)
            if vowel && !previousWasVowel { count += 1 }
            previousWasVowel = vowel
        }
        let word = String(letters)
        let n = letters.count
        if count > 1 {
            if silentFinalE, word.hasSuffix("e"), isConsonant(letters, n - 2),
                !(letters[n - 2] == "l" && isConsonant(letters, n - 3))
            {
                count -= 1
            } else if n > 3, word.hasSuffix("es"), isConsonant(letters, n - 3), !keepsEs(letters) {
                count -= 1
            } else if n > 3, word.hasSuffix("ed"), isConsonant(letters, n - 3), !keepsEd(letters) {
                count -= 1
            } else if n > 4, word.hasSuffix("ely"), isConsonant(letters, n - 4) {
                count -= 1
            }
        }
        if n > 4, word.hasSuffix("ing"), isVowel(letters, n - 4) { count += 1 }
        let singular = word.hasSuffix("s") ? String(word.dropLast()) : word
        if singular.count > 2, ["io", "eo", "ia"].contains(where: singular.hasSuffix) { count += 1 }
        if count > 1, hasSilentEBeforeSuffix(letters) { count -= 1 }
        return max(count, 1)
    }

    // "boxes", "places", "changes", "wishes", "tables": the `es` is heard.
    private static func keepsEs(_ letters: [Character]) -> Bool {
        let n = letters.count
        let before = letters[n - 3]
        if ["s", "x", "z", "c", "g"].contains(before) { return true }
        if n > 4, ["ch", "sh"].contains(String(letters[(n - 4)...(n - 3)])) { return true }
        return before == "l" && n > 4 && isConsonant(letters, n - 4)
    }

    // "useful", "timeless", "likeness", "statement": the suffix follows a silent e.
    private static func hasSilentEBeforeSuffix(_ letters: [Character]) -> Bool {
        let word = String(letters)
        for suffix in ["ful", "less", "ness", "ment"] where word.hasSuffix("e" + suffix) {
            let e = letters.count - suffix.count - 1
            return e >= 2 && isConsonant(letters, e - 1) && letters[e - 1] != "l" && isVowel(letters, e - 2)
        }
        return false
    }

    // "wanted", "needed", "handled": the `ed` is heard; "called" (double l) is not.
    private static func keepsEd(_ letters: [Character]) -> Bool {
        let n = letters.count
        let before = letters[n - 3]
        if before == "t" || before == "d" { return true }
        return before == "l" && n > 4 && isConsonant(letters, n - 4) && letters[n - 4] != "l"
    }
}
