import CopyQuality
import Testing

@testable import CopyQuality

@Suite struct UnsupportedNumberTests {
    func numbers(_ text: String, inputs: [String: String] = Fixtures.brief) -> [String] {
        Fixtures.score(Fixtures.ad("Learn Swift", text), inputs: inputs).failures(Check.unsupportedNumbersID).flatMap(\.found)
    }

    @Test func anInventedNumberIsAHardFailureNamingIt() throws {
        let card = Fixtures.score(Fixtures.ad("Save 50% today", "Only $29 a month."))
        let check = try #require(card.failures(Check.unsupportedNumbersID).first)
        #expect(check.severity == .hard)
        #expect(check.field == "headline")
        #expect(check.found == ["50%"])
        #expect(check.message == "Headline states 50%, which is not in the brief.")
        #expect(!card.passed)
    }

    @Test func numbersFromTheBriefPass() throws {
        let checks = Fixtures.score(Fixtures.ad("Swift for $29", "Just 29.00 a month.")).checks(Check.unsupportedNumbersID)
        #expect(checks.count == 1)
        #expect(checks[0].passed)
        #expect(checks[0].message == "Every number is in the brief.")
    }

    /// "29" in the brief supports "$29", "29.00" and "29%"; thousands separators and trailing
    /// zeros do not matter.
    @Test(arguments: [
        ("29", "$29, 29.00, €29 and 29%", [String]()),
        ("1000 learners", "Join 1,000 learners", []),
        ("1,000 learners", "Join 1000 learners", []),
        ("rated 4.50", "Rated 4.5", []),
        ("3 projects", "3x the projects", []),
        ("2 courses", "Your 2nd course", []),
        ("nothing numeric", "Since 2015", ["2015"]),
        ("nothing numeric", "3x faster, 24/7 help", ["3x", "24", "7"]),
        ("12 lessons", "12 lessons, 120 exercises", ["120"]),
        ("price 29", "Only $19.99", ["$19.99"]),
    ])
    func normalisesBeforeComparing(_ brief: String, _ copy: String, _ unsupported: [String]) {
        #expect(numbers(copy, inputs: ["brief": brief]) == unsupported, "\(copy)")
    }

    /// Digits only: spelled-out numbers are ordinary words, and digits inside names are names.
    @Test func ignoresNumberWordsAndDigitsInNames() {
        #expect(numbers("One-click checkout for three teams").isEmpty)
        #expect(numbers("Web3 and B2B, H2O too").isEmpty)
    }

    /// The template's own limits are not a source: a headline limit of 30 does not make
    /// "30 days" a fact about the product.
    @Test func theTemplateLimitsDoNotSupportANumber() {
        let card = Fixtures.score(Fixtures.ad("Learn Swift in 30 days", "Go."))
        #expect(card.failures(Check.unsupportedNumbersID).flatMap(\.found) == ["30"])
    }

    @Test func reportsEachNumberOnceInOrder() {
        #expect(numbers("50% off, then 50% again, then 10%") == ["50%", "10%"])
    }

    @Test func scannerKeepsHowTheNumberWasWritten() {
        let mentions = NumberScanner.mentions(in: "£1,250.50 or 3× or 07")
        #expect(mentions.map(\.text) == ["£1,250.50", "3×", "07"])
        #expect(mentions.map(\.value) == ["1250.5", "3", "7"])
        #expect(NumberScanner.mentions(in: "1,5 and 0.0").map(\.value) == ["1", "5", "0"])
    }
}
