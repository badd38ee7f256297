import CopyQuality
import Testing

@testable import CopyQuality

@Suite struct DuplicateTests {
    let original = Fixtures.ad(
        "Learn Swift in small steps",
        "Short lessons, real projects and friendly feedback for career changers who build apps."
    )
    /// The same words with the last one changed: 15 of 17 three-word phrases shared.
    let nearCopy = Fixtures.ad(
        "Learn Swift in small steps",
        "Short lessons, real projects and friendly feedback for career changers who build games."
    )
    let different = Fixtures.ad(
        "Swift for career changers",
        "Build three apps with a mentor beside you, one short lesson at a time."
    )

    @Test func aNearCopyIsAWarningNamingTheVariant() throws {
        let card = Fixtures.score(original, others: [different, nearCopy])
        let check = try #require(card.checks(Check.duplicateID).first)
        #expect(!check.passed)
        #expect(check.severity == .warning)
        #expect(check.found == ["2"])
        #expect(check.message == "Nearly the same as variant 2 (88% of three-word phrases shared).")
        #expect(card.passed)
    }

    @Test func differentVariantsPass() throws {
        let check = try #require(Fixtures.score(original, others: [different]).checks(Check.duplicateID).first)
        #expect(check.passed)
        #expect(Fixtures.score(original).checks(Check.duplicateID).first?.passed == true)
    }

    @Test func theThresholdIsInclusiveAndConfigurable() throws {
        let similarity = Shingles("a b c d e").jaccard(Shingles("a b c d f"))
        #expect(similarity == 0.5)
        let policy = QualityPolicy(duplicateThreshold: 0.5)
        let card = Fixtures.score(
            CopyVariant(fields: ["body": "a b c d e"]),
            limits: [],
            policy: policy,
            others: [CopyVariant(fields: ["body": "a b c d f"])]
        )
        #expect(card.failures(Check.duplicateID).count == 1)
    }

    @Test func shinglesIgnoreCaseAndPunctuation() {
        #expect(Shingles("Learn Swift, today!").jaccard(Shingles("learn swift today")) == 1)
        #expect(Shingles("Learn Swift").jaccard(Shingles("learn swift")) == 1)
        #expect(Shingles("Learn Swift").jaccard(Shingles("Learn Kotlin")) == 0)
        #expect(Shingles("").jaccard(Shingles("")) == 0)
    }

    /// `evaluateAll` names duplicates by their place in the whole list, never by themselves.
    @Test func evaluateAllNumbersVariantsAsThePageDoes() {
        let cards = CopyScorecard.evaluateAll(
            [original, different, nearCopy],
            limits: Fixtures.adLimits,
            inputs: Fixtures.brief
        )
        #expect(cards.map { $0.failures(Check.duplicateID).flatMap(\.found) } == [["3"], [], ["1"]])
    }
}
