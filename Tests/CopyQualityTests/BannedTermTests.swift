import CopyQuality
import Testing

@Suite struct BannedTermTests {
    func banned(_ headline: String, _ description: String = "Short lessons.", policy: QualityPolicy = .standard) -> [Check] {
        Fixtures.score(Fixtures.ad(headline, description), policy: policy).failures(Check.bannedID)
    }

    @Test func aBannedWordIsAHardFailureNamingFieldAndWord() throws {
        let failures = banned("Guaranteed Swift skills")
        let check = try #require(failures.first)
        #expect(failures.count == 1)
        #expect(check.severity == .hard)
        #expect(check.field == "headline")
        #expect(check.found == ["guaranteed"])
        #expect(check.message == "Headline uses the banned word “guaranteed”.")
        #expect(check.fix == "do not use the word 'guaranteed'")
    }

    @Test func cleanCopyPassesWithOneCheck() {
        let checks = Fixtures.score(Fixtures.ad("Learn Swift", "Short lessons.")).checks(Check.bannedID)
        #expect(checks.count == 1)
        #expect(checks.allSatisfy { $0.passed })
    }

    /// Whole words only: a different word that contains a banned one is a different word.
    @Test(arguments: [
        ("Results guaranteed.", ["guaranteed"]),
        ("GUARANTEED results", ["guaranteed"]),
        ("A money-back guarantee", ["guarantee"]),
        ("Unguaranteed results", []),
        ("A cure for boredom", ["cure"]),
        ("Cured of boredom", []),
        ("Your secure account", []),
        ("Act now!", ["act now"]),
        ("Contact now", []),
        ("A miracle course", ["miracle"]),
        ("Instant results, every time", ["instant results"]),
        ("Best in the world at Swift", ["best in the world"]),
    ])
    func matchesWholeWordsAndPhrases(_ text: String, _ expected: [String]) {
        #expect(banned(text).flatMap(\.found) == expected, "\(text)")
    }

    /// Symbols are literal: "#1" is not "#10", "100%" is not "1100%" or "2.100%".
    @Test(arguments: [
        ("We're #1.", ["#1"]),
        ("#1 Swift course", ["#1"]),
        ("Ranked #10 in town", []),
        ("100% online", ["100%"]),
        ("Growth of 1100% a year", []),
        ("Growth of 2.100% a year", []),
        ("The number one course", ["number one"]),
    ])
    func matchesSymbolsLiterally(_ text: String, _ expected: [String]) {
        #expect(banned(text).flatMap(\.found) == expected, "\(text)")
    }

    /// Hyphens and spaces are the same separator, and spellings that mean the same report once.
    @Test func hyphenAndSpaceSpellingsMatchEachOther() {
        #expect(banned("Risk-free trial").flatMap(\.found) == ["risk-free"])
        #expect(banned("Risk  free trial").flatMap(\.found) == ["risk-free"])
        #expect(banned("A no-risk trial").flatMap(\.found) == ["no risk"])
    }

    @Test func reportsEachWordWithItsField() {
        let failures = banned("Guaranteed skills", "A miracle course, risk-free.")
        #expect(failures.map(\.field) == ["headline", "description"])
        #expect(failures.map(\.found) == [["guaranteed"], ["risk-free", "miracle"]])
        #expect(failures[1].message == "Description uses the banned words “risk-free” and “miracle”.")
    }

    @Test func thePolicyIsConfigurable() {
        let policy = QualityPolicy(bannedTerms: ["cheap", "no-brainer"])
        #expect(banned("Guaranteed and cheap", policy: policy).flatMap(\.found) == ["cheap"])
        #expect(banned("A no brainer", policy: policy).flatMap(\.found) == ["no-brainer"])
        #expect(banned("Guaranteed", policy: QualityPolicy(bannedTerms: [])).isEmpty)
    }
}
