import CopyQuality
import Foundation
import Testing

@Suite struct ScorecardTests {
    let good = Fixtures.ad("Swift for career changers", "Short lessons and real projects. Only $29 a month, cancel any time.")
    let bad = Fixtures.ad("Guaranteed 50% faster Swift skills", "Join today.")

    @Test func aGoodVariantPassesEveryCheck() {
        let card = Fixtures.score(good)
        #expect(card.passed)
        #expect(card.hardFailures.isEmpty)
        #expect(card.warnings.isEmpty, "\(card.warnings.map(\.message))")
        #expect(card.checks.allSatisfy { $0.passed })
    }

    @Test func checksComeInAFixedOrderWithStableIDs() {
        #expect(
            Fixtures.score(good).checks.map(\.id) == [
                "limit:headline", "limit:description", "reading", "banned", "unsupported-numbers",
                "unsupported-claims", "testimonial", "duplicate",
            ]
        )
    }

    @Test func fieldsTheTemplateDidNotDeclareAreStillScored() throws {
        let variant = CopyVariant(fields: ["headline": "Swift", "description": "Go.", "call_to_action": "Guaranteed!"])
        let check = try #require(Fixtures.score(variant).failures(Check.bannedID).first)
        #expect(check.field == "call_to_action")
        #expect(check.message == "Call to action uses the banned word “guaranteed”.")
    }

    /// The same input gives the same scorecard, whatever order the dictionaries come in.
    @Test func isDeterministic() {
        let fields = Dictionary(uniqueKeysWithValues: (1...12).map { ("extra\($0)", "Guaranteed \($0)0% results") })
        let first = Fixtures.score(CopyVariant(fields: fields))
        for _ in 0..<5 {
            var shuffled: [String: String] = [:]
            for key in fields.keys.shuffled() { shuffled[key] = fields[key] }
            #expect(Fixtures.score(CopyVariant(fields: shuffled)) == first)
        }
        #expect(first.failures(Check.bannedID).map(\.field) == (1...12).map { "extra\($0)" }.sorted())
    }

    @Test func hardFailuresAreThoseThatBlock() {
        let card = Fixtures.score(bad)
        #expect(!card.passed)
        #expect(card.hardFailures.map(\.id) == ["limit:headline", "banned", "unsupported-numbers"])
        #expect(card.hardFailures.allSatisfy { $0.severity == .hard && !$0.passed })
    }

    // MARK: Retry instruction

    @Test func retryInstructionNamesEachBrokenRule() {
        #expect(
            CopyScorecard.retryInstruction(for: Fixtures.score(bad))
                == "Rewrite the variant: the headline must be at most 30 characters; do not use the word 'guaranteed'; "
                + "do not state numbers that are not in the brief (found: 50%)."
        )
    }

    @Test func retryInstructionMergesFindingsAcrossFields() {
        let card = Fixtures.score(Fixtures.ad("Save 50%, risk-free", "Guaranteed: only $19 and 50% off. “Life-changing!” — Sam"))
        #expect(
            CopyScorecard.retryInstruction(for: card)
                == "Rewrite the variant: do not use 'risk-free' or 'guaranteed'; "
                + "do not state numbers that are not in the brief (found: 50%, $19); "
                + "do not invent testimonials, quotes from people, reviews or star ratings."
        )
    }

    @Test func noRetryWithoutAHardFailure() {
        #expect(CopyScorecard.retryInstruction(for: Fixtures.score(good)) == nil)
        // Warnings alone never cost a second request.
        let warned = Fixtures.score(Fixtures.ad("The fastest Swift course", "Short lessons and real projects for you."))
        #expect(!warned.warnings.isEmpty)
        #expect(CopyScorecard.retryInstruction(for: warned) == nil)
    }

    @Test func retryNamesAMissingField() {
        let card = Fixtures.score(CopyVariant(fields: ["headline": "Swift for career changers"]))
        #expect(CopyScorecard.retryInstruction(for: card) == "Rewrite the variant: include the description.")
    }

    // MARK: JSON

    @Test func roundTripsThroughJSON() throws {
        for card in [Fixtures.score(good), Fixtures.score(bad), Fixtures.score(Fixtures.ad("Hi", "Yo"))] {
            let data = try JSONEncoder().encode(card)
            #expect(try JSONDecoder().decode(Scorecard.self, from: data) == card)
        }
    }

    @Test func jsonCarriesTheSummaryThePageShows() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try #require(String(data: try encoder.encode(Fixtures.score(bad)), encoding: .utf8))
        #expect(json.contains(#""passed":false"#))
        #expect(json.contains(#""hardFailureCount":3"#))
        #expect(json.contains(#""id":"limit:headline""#))
        #expect(json.contains(#""severity":"hard""#))
        #expect(json.contains(#""message":"Headline is 34 characters; the limit is 30.""#))
    }

    /// The summary is derived: a document that claims to pass while a hard check failed
    /// decodes as failing.
    @Test func decodingRecomputesTheSummary() throws {
        let json = #"""
            {"passed": true, "hardFailureCount": 0, "warningCount": 0, "readingEase": 61.2,
             "checks": [{"id": "banned", "severity": "hard", "passed": false, "message": "x", "found": ["cure"]}]}
            """#
        let card = try JSONDecoder().decode(Scorecard.self, from: Data(json.utf8))
        #expect(!card.passed)
        #expect(card.gradeLevel == nil)
        #expect(card.checks[0].field == nil)
        #expect(card.checks[0].fix == nil)
    }

    @Test func malformedJSONIsRejected() {
        let missingChecks = Data(#"{"passed": true}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Scorecard.self, from: missingChecks) }
        let badSeverity = Data(#"{"checks": [{"id": "x", "severity": "fatal", "passed": false, "message": "m", "found": []}]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Scorecard.self, from: badSeverity) }
    }
}
