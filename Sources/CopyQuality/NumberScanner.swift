/// A number as written in copy, with the value it is compared by.
struct NumberMention: Sendable, Hashable {
    /// As written, with its currency sign or unit: `$29`, `50%`, `3x`, `1,000`, `2nd`.
    var text: String
    /// The bare value, canonical: `$29.00` → `29`, `1,000` → `1000`, `0.50` → `0.5`.
    var value: String
}

/// Finds the numbers in text, written with digits.
///
/// Only digits count: "one-click" or "three reasons" are not numbers here, because spelled-out
/// small numbers are ordinary English far more often than they are claims. The unit is not
/// compared, so a brief that says "29" supports "$29", "29.00" and "29%"; the rule is there to
/// catch numbers a model made up, not to police units. A digit run glued to a preceding letter
/// is part of a name ("Web3", "B2B", "H2O") and is skipped.
enum NumberScanner {
    static func mentions(in text: String) -> [NumberMention] {
        let characters = Array(text)
        var mentions: [NumberMention] = []
        var index = 0
        while index < characters.count {
            guard isDigit(characters[index]) else {
                index += 1
                continue
            }
            let start = index
            var end = index
            while end < characters.count, isDigit(characters[end]) { end += 1 }
            if start > 0, characters[start - 1].isLetter {
                index = end
                continue
            }
            var integer = String(characters[start..<end])
            var fraction = ""
            // Thousands groups: a comma and exactly three digits.
            while end + 3 < characters.count, characters[end] == ",",
                characters[(end + 1)...(end + 3)].allSatisfy(isDigit),
                end + 4 >= characters.count || !isDigit(characters[end + 4])
            {
                integer += String(characters[(end + 1)...(end + 3)])
                end += 4
            }
            if end + 1 < characters.count, characters[end] == ".", isDigit(characters[end + 1]) {
                var fractionEnd = end + 1
                while fractionEnd < characters.count, isDigit(characters[fractionEnd]) { fractionEnd += 1 }
                fraction = String(characters[(end + 1)..<fractionEnd])
                end = fractionEnd
            }
            var textStart = start
            if start > 0, currencySigns.contains(characters[start - 1]) { textStart = start - 1 }
            end += suffixLength(characters, at: end)
            mentions.append(NumberMention(text: String(characters[textStart..<end]), value: canonical(integer, fraction)))
            index = end
        }
        return mentions
    }

    /// The canonical values of every number in the text.
    static func values(in text: String) -> Set<String> {
        Set(mentions(in: text).map(\.value))
    }

    private static let currencySigns: Set<Character> = ["$", "€", "£", "¥", "₹"]

    // `%`, a multiplier `3x`/`3×`, or an ordinal `2nd`, kept in the text shown to people.
    private static func suffixLength(_ characters: [Character], at index: Int) -> Int {
        guard index < characters.count else { return 0 }
        if characters[index] == "%" { return 1 }
        for suffix in ["x", "×", "st", "nd", "rd", "th"] {
            let length = suffix.count
            guard index + length <= characters.count,
                String(characters[index..<index + length]).lowercased() == suffix
            else { continue }
            if index + length == characters.count || !characters[index + length].isLetter { return length }
        }
        return 0
    }

    private static func isDigit(_ character: Character) -> Bool {
        character.isASCII && character.isNumber
    }

    private static func canonical(_ integer: String, _ fraction: String) -> String {
        let whole = String(integer.drop { $0 == "0" })
        let decimals = String(fraction.reversed().drop { $0 == "0" }.reversed())
        let wholePart = whole.isEmpty ? "0" : whole
        return decimals.isEmpty ? wholePart : wholePart + "." + decimals
    }
}
