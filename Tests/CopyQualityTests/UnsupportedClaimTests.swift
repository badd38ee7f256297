import CopyQuality
import Testing

@Suite struct UnsupportedClaimTests {
    @Test func aClaimTheBriefDoesNotMakeIsAWarning() throws {
        let card = Fixtures.score(Fixtures.ad("The fastest way to Swift", "An award-winning course."))
        let failures = card.failures(Check.unsupportedClaimsID)
        #expect(failures.map(\.field) == ["headline", "description"])
        #expect(failures.map(\.found) == [["fastest"], ["award-winning"]])
        #expect(failures.allSatisfy { $0.severity == .warning })
        #expect(failures[0].message == "Headline claims “fastest”, which the brief does not support.")
        #expect(card.passed, "claims only warn")
    }

    @Test func aClaimTheBriefMakesPasses() throws {
        let inputs = Fixtures.brief.merging(["proof": "Winner of the award-winning Swift Awards; the fastest course we tested"]) { $1 }
        let card = Fixtures.score(Fixtures.ad("The fastest way to Swift", "An award-winning course."), inputs: inputs)
        let checks = card.checks(Check.unsupportedClaimsID)
        #expect(checks.count == 1)
        #expect(checks[0].passed)
    }

    @Test(arguments: [
        ("The best Swift course", ["best"]),
        ("Best-selling Swift course", ["best"]),
        ("Proven, world-class lessons", ["world-class", "proven"]),
        ("Clinically tested lessons", ["clinically"]),
        ("Better lessons", []),
        ("Lead the team", []),
    ])
    func findsClaimWordsAsWholeWords(_ text: String, _ expected: [String]) {
        let found = Fixtures.score(Fixtures.ad(text, "Go.")).failures(Check.unsupportedClaimsID).flatMap(\.found)
        #expect(found == expected, "\(text)")
    }

    /// "#1" is banned and a claim; the banned rule reports it, the claim rule does not repeat it.
    @Test func aBannedClaimIsReportedOnce() {
        let card = Fixtures.score(Fixtures.ad("The #1 Swift course", "Go."))
        #expect(card.failures(Check.bannedID).flatMap(\.found) == ["#1"])
        #expect(card.failures(Check.unsupportedClaimsID).isEmpty)
    }
}
