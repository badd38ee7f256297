import CopyQuality
import Testing

@Suite struct ReadabilityTests {
    /// The formulas against published worked examples (Wikipedia, "Flesch–Kincaid readability
    /// tests"): 13 words with 26 syllables score 24.4; with 24 syllables, grade 11.3.
    @Test func formulasMatchPublishedExamples() {
        let hard = Readability(words: 13, sentences: 1, syllables: 26)
        #expect(abs(hard.ease - 24.4) < 0.05)
        let counted = Readability(words: 13, sentences: 1, syllables: 24)
        #expect(abs(counted.grade - 11.3) < 0.05)
    }

    /// "The cat sat on the mat." is the textbook easy sentence: reading ease 116.
    @Test func scoresTheCatSatOnTheMat() {
        let score = Readability(measuring: ["The cat sat on the mat."])
        #expect(score.words == 6)
        #expect(score.sentences == 1)
        #expect(score.syllables == 6)
        #expect(abs(score.ease - 116.1) < 0.1)
        #expect(abs(score.grade - -1.45) < 0.01)
    }

    /// The platypus sentence, counted by the heuristic, lands on the published grade 11.3.
    @Test func scoresThePlatypusSentence() {
        let score = Readability(measuring: ["The Australian platypus is seemingly a hybrid of a mammal and reptilian creature."])
        #expect(score.words == 13)
        #expect(score.syllables == 24)
        #expect(abs(score.grade - 11.3) < 0.1)
        #expect(abs(score.ease - 37.5) < 0.1)
    }

    @Test func splitsSentencesOnTerminatorsAndLinesButNotDecimals() {
        let score = Readability(measuring: ["Learn Swift. Build apps! Ready?", "Rated 4.5 by teams\nStart today"])
        #expect(score.sentences == 5)
        #expect(score.words == 11)
    }

    /// A headline without a full stop is its own sentence, not the start of the description's.
    @Test func eachFieldEndsASentence() {
        let joined = Readability(measuring: ["Learn Swift fast", "Short lessons for busy people."])
        #expect(joined.sentences == 2)
    }

    @Test func quotesAndBracketsAfterAFullStopStillEndTheSentence() {
        #expect(Readability(measuring: ["He said “go.” Then he went (quickly.) Done"]).sentences == 3)
    }

    @Test func plainCopyScoresEasierThanJargon() {
        let plain = Readability(measuring: ["Learn to code in small steps. Each lesson takes ten minutes. You build a real app."])
        let jargon = Readability(measuring: [
            "Comprehensive interdisciplinary methodologies facilitate organizational transformation through systematically operationalized capabilities."
        ])
        #expect(plain.ease > 70)
        #expect(jargon.ease < 0)
        #expect(plain.grade < jargon.grade)
    }
}
