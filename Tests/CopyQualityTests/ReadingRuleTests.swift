import CopyQuality
import Foundation
import Testing

@Suite struct ReadingRuleTests {
    let plain = Fixtures.ad("Learn Swift in small steps", "Each lesson is short. You build a real app. Start when you like.")
    let dense = Fixtures.ad(
        "Comprehensive Swift education",
        "Sophisticated curriculum facilitating professional transformation."
    )

    @Test func plainCopyMeetsTheDefaultTarget() throws {
        let card = Fixtures.score(plain)
        let check = try #require(card.checks(Check.readingID).first)
        #expect(check.passed)
        #expect(check.severity == .warning)
        let ease = try #require(card.readingEase)
        #expect(ease >= 50)
        #expect(check.message.contains("Reading ease is \(String(format: "%.1f", ease))"))
        #expect(card.gradeLevel != nil)
    }

    @Test func denseCopyIsAWarningNotAFailure() throws {
        let card = Fixtures.score(dense)
        let check = try #require(card.checks(Check.readingID).first)
        #expect(!check.passed)
        #expect(check.message.contains("the target is ease at least 50.0"))
        #expect(card.passed, "reading level only warns")
        #expect(card.warnings.map(\.id).contains(Check.readingID))
        #expect(try #require(card.readingEase) < 50)
    }

    @Test func aMaximumGradeIsCheckedToo() throws {
        let target = ReadingTarget(minimumEase: nil, maximumGrade: 8)
        let check = try #require(Fixtures.score(dense, target: target).checks(Check.readingID).first)
        #expect(!check.passed)
        #expect(check.message.hasSuffix("the target is grade at most 8.0."))
        let plainCheck = try #require(Fixtures.score(plain, target: target).checks(Check.readingID).first)
        #expect(plainCheck.passed)
    }

    @Test func noTargetAlwaysPasses() throws {
        let check = try #require(Fixtures.score(dense, target: ReadingTarget()).checks(Check.readingID).first)
        #expect(check.passed)
        #expect(check.message.hasSuffix("no target is set."))
    }

    @Test func tooShortToScorePassesWithANote() throws {
        let card = Fixtures.score(
            CopyVariant(fields: ["headline": "Learn Swift"]),
            limits: [Fixtures.adLimits[0]]
        )
        let check = try #require(card.checks(Check.readingID).first)
        #expect(check.passed)
        #expect(check.message == "Too short to score reading level (2 words).")
        #expect(card.readingEase == nil)
        #expect(card.gradeLevel == nil)
    }

    @Test func scoresAreRoundedToOneDecimal() throws {
        let ease = try #require(Fixtures.score(plain).readingEase)
        #expect(ease == (ease * 10).rounded() / 10)
    }
}
