/// Finds the voice of customers in text: attributed quotes, reviews and star ratings.
///
/// A model asked for persuasive copy readily invents "“Changed my life!” — Sarah, CEO"; an
/// invented testimonial is a false statement about a real-sounding person, so it is found by
/// its shape rather than its words. The shapes:
/// - a quotation of a few words followed by a dash or "says"/"said" and a capitalised name;
/// - a capitalised name and "says"/"said"/"writes" before a quotation;
/// - "says Jane", "said Tom" without quotation marks;
/// - a line that is only an attribution: "— Sarah, CEO";
/// - customer-voice phrases: "as one customer put it", "our students say", "what users say";
/// - ratings: "★★★★★", "rated 4.9", "5-star", "4.8/5", "4 out of 5 stars";
/// - reviews with a count or a verdict: "1,200 reviews", "rave reviews", "customer reviews".
/// The bare word "reviews" is not enough: "code reviews" is a product feature.
enum TestimonialDetector {
    /// The matched passages, in order of pattern then position.
    static func findings(in text: String) -> [String] {
        var results: [String] = []
        for pattern in patterns {
            for match in text.matches(of: pattern) {
                let passage = String(text[match.range]).trimmedForCopy
                if !results.contains(passage) { results.append(passage) }
            }
        }
        return results
    }

    private static let quoteOpen = #"[“"„«]"#
    private static let quoteBody = #"[^”"“»\n]{6,}"#
    private static let quoteClose = #"[”"»]"#
    private static let name = #"\p{Lu}[\p{L}'’.-]*(?:\s+\p{Lu}[\p{L}'’.-]*)?"#
    private static let saying = "(?:says|said|writes|wrote|raves|shares|adds|explains)"
    // A name ends the attribution: "— Sarah, CEO", "says Jane." but not "— Apple's framework".
    private static let nameEnds = #"(?=[ \t]*(?:[,.;:!?()\n]|$))"#
    private static let people = "(?:customers?|clients?|students?|learners?|users?|members?|readers?|buyers?|reviewers?|parents?|fans?)"

    /// Attributions, where a capital letter marks a name: matched case-sensitively.
    private static let attributionPatterns = [
        quoteOpen + quoteBody + quoteClose + #"\s*(?:[—–―]|--?|,?\s*"# + saying + #")\s*"# + name + nameEnds,
        name + #",?\s+"# + saying + #"\s*[:,]?\s*"# + quoteOpen,
        // Only "says"/"said": "writes Swift" or "shares Photos" name products, not people.
        #"\b(?:says|said)\s+"# + name + nameEnds,
        #"(?m)^[ \t]*[—–―~][ \t]*"# + name + #"(?:,[ \t]*[\p{L} .&]{2,40})?[ \t]*$"#,
    ]

    /// Customer voice, ratings and reviews: matched ignoring case.
    private static let phrasePatterns = [
        #"\bas\s+(?:one|a)\s+(?:happy\s+|satisfied\s+)?"# + people + #"\s+(?:put\s+it|said|says|told\s+us|wrote)"#,
        #"\bone\s+(?:happy\s+|satisfied\s+)?"# + people + #"\s+(?:said|says|told\s+us|wrote|writes)"#,
        // "our customers say", not "users say goodbye to spreadsheets".
        #"\b(?:our|what|happy|satisfied)\s+"# + people + #"\s+(?:say|said|are\s+saying|rave|are\s+raving|agree)\b"#,
        #"[★⭐✭✮☆]{3,}"#,
        #"\brated\s+\d(?:\.\d+)?"#,
        #"\b(?:\d(?:\.\d)?|five|four)[- ]stars?\b"#,
        // "4.8/5" and "4 out of 5 stars"; "4 out of 5 learners" is a statistic, left to the number rule.
        #"\b\d(?:\.\d+)?\s*/\s*5\b"#,
        #"\b\d(?:\.\d+)?\s+out\s+of\s+5\s+stars?\b"#,
        #"\b(?:\d[\d,.]*\+?|rave|glowing|raving|verified|customer|client|student|user|positive|5-star|five-star)\s+reviews\b"#,
    ]

    // Compiled per call: `Regex` is not `Sendable`, so it cannot be a shared constant, and a
    // dozen small patterns over a few hundred characters cost microseconds. The strings are
    // literals every test run compiles, so `try!` fails the tests rather than a user.
    private static var patterns: [Regex<AnyRegexOutput>] {
        attributionPatterns.map { try! Regex($0) } + phrasePatterns.map { try! Regex($0).ignoresCase() }
    }
}
