import CopyQuality
import Testing

@Suite struct LengthRuleTests {
    @Test func overTheLimitIsAHardFailureNamingFieldAndCount() throws {
        let card = Fixtures.score(Fixtures.ad("Learn Swift from zero, at your own pace", "Short lessons."))
        let check = try #require(card.checks("limit:headline").first)
        #expect(!check.passed)
        #expect(check.severity == .hard)
        #expect(check.field == "headline")
        #expect(check.message == "Headline is 39 characters; the limit is 30.")
        #expect(check.fix == "the headline must be at most 30 characters")
        #expect(!card.passed)
        #expect(card.hardFailures.map(\.id) == ["limit:headline"])
    }

    @Test func exactlyAtTheLimitPasses() throws {
        let headline = String(repeating: "a", count: 30)
        let check = try #require(Fixtures.score(Fixtures.ad(headline, "Fine.")).checks("limit:headline").first)
        #expect(check.passed)
        #expect(check.message == "Headline is 30 characters; the limit is 30.")
    }

    /// Accents, emoji with modifiers and flags are one character each, as people see them.
    @Test func countsUserPerceivedCharacters() throws {
        let limits = [OutputLimit(name: "headline", label: "Headline", maxChars: 6)]
        let text = "Café👍🏽🇫🇷"  // 4 + 1 + 1, though 9 Unicode scalars
        let check = try #require(Fixtures.score(CopyVariant(fields: ["headline": text]), limits: limits).checks("limit:headline").first)
        #expect(check.passed)
        #expect(check.message == "Headline is 6 characters; the limit is 6.")
    }

    @Test func surroundingWhitespaceDoesNotCount() throws {
        let limits = [OutputLimit(name: "headline", label: "Headline", maxChars: 5)]
        let check = try #require(Fixtures.score(CopyVariant(fields: ["headline": "  Swift \n"]), limits: limits).checks("limit:headline").first)
        #expect(check.passed)
    }

    @Test func aMissingOrBlankFieldFails() throws {
        for variant in [CopyVariant(fields: ["headline": "Learn Swift"]), Fixtures.ad("Learn Swift", "  \n ")] {
            let check = try #require(Fixtures.score(variant).checks("limit:description").first)
            #expect(!check.passed)
            #expect(check.message == "Description is missing.")
            #expect(check.fix == "include the description")
        }
    }

    @Test func aFieldWithoutALimitOnlyNeedsToBePresent() throws {
        let limits = [OutputLimit(name: "body", label: "Email body", maxChars: nil)]
        let check = try #require(
            Fixtures.score(CopyVariant(fields: ["body": String(repeating: "word ", count: 400)]), limits: limits).checks("limit:body").first
        )
        #expect(check.passed)
        #expect(check.message == "Email body is 1999 characters; it has no limit.")
    }

    @Test func oneCheckPerDeclaredFieldInTemplateOrder() {
        let card = Fixtures.score(Fixtures.ad("Learn Swift", "Short lessons for busy people."))
        #expect(card.checks.prefix(2).map(\.id) == ["limit:headline", "limit:description"])
    }
}
