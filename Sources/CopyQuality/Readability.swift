/// Word, sentence and syllable counts of a text and the Flesch scores they give.
public struct Readability: Sendable, Hashable {
    public var words: Int
    public var sentences: Int
    public var syllables: Int

    public init(words: Int, sentences: Int, syllables: Int) {
        self.words = words
        self.sentences = sentences
        self.syllables = syllables
    }

    /// Measures texts as one passage, each text ending a sentence of its own: a headline
    /// without a full stop is still a sentence, not the start of the description's first one.
    ///
    /// A word is a whitespace-separated token with a letter or digit. A sentence ends at `.`,
    /// `!`, `?` or `…` closing a token (so "4.5" does not end one) and at each line break.
    /// Abbreviations such as "e.g." end a sentence too: a known limit of the heuristic.
    public init(measuring texts: [String]) {
        var words = 0
        var sentences = 0
        var syllables = 0
        for text in texts {
            for line in text.split(whereSeparator: \.isNewline) {
                var open = false
                for token in line.split(whereSeparator: \.isWhitespace) {
                    if token.contains(where: { $0.isLetter || $0.isNumber }) {
                        words += 1
                        syllables += SyllableCounter.count(String(token))
                        open = true
                    }
                    let end = token.reversed().drop { Self.closers.contains($0) }.first
                    if open, let end, Self.terminators.contains(end) {
                        sentences += 1
                        open = false
                    }
                }
                if open { sentences += 1 }
            }
        }
        self.init(words: words, sentences: sentences, syllables: syllables)
    }

    /// `206.835 − 1.015 × words/sentences − 84.6 × syllables/words`: higher is easier; 60–70
    /// is plain English. Undefined (NaN) with no words.
    public var ease: Double {
        206.835 - 1.015 * wordsPerSentence - 84.6 * syllablesPerWord
    }

    /// `0.39 × words/sentences + 11.8 × syllables/words − 15.59`: the US school grade.
    public var grade: Double {
        0.39 * wordsPerSentence + 11.8 * syllablesPerWord - 15.59
    }

    private var wordsPerSentence: Double { Double(words) / Double(max(sentences, 1)) }
    private var syllablesPerWord: Double { Double(syllables) / Double(words) }

    private static let terminators: Set<Character> = [".", "!", "?", "…"]
    private static let closers: Set<Character> = ["\"", "'", "”", "’", ")", "]", "»"]
}
