import Foundation

/// One header line, built from words and folded so that no line passes 76 characters where a
/// word boundary allows: RFC 2047 limits lines holding encoded words to 76, and RFC 5322 asks for
/// 78 everywhere.
struct HeaderField {
    static let lineLimit = 76

    let name: String
    /// The value's pieces, separated by single spaces; a fold may replace any separating space
    /// with CRLF + space, which readers unfold back to the same space.
    let words: [String]

    init(_ name: String, words: [String]) {
        self.name = name
        self.words = words
    }

    init(_ name: String, _ value: String) {
        self.init(name, words: [value])
    }

    /// The header with its CRLF ending.
    var rendered: String {
        var text = "\(name):"
        var lineLength = text.count
        var wordsOnLine = 0
        for word in words {
            // Never fold before an empty word: the new line would hold only white space.
            if lineLength + 1 + word.count > Self.lineLimit && wordsOnLine > 0 && !word.isEmpty {
                text += "\r\n"
                lineLength = 0
                wordsOnLine = 0
            }
            text += " " + word
            lineLength += 1 + word.count
            wordsOnLine += 1
        }
        return text + "\r\n"
    }

    /// The words of unstructured text such as a subject: the text itself split at spaces when it
    /// is printable ASCII, RFC 2047 encoded words otherwise.
    static func unstructuredWords(_ text: String) -> [String] {
        let isPlain = text.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) }
            // A literal "=?" could be mistaken for the start of an encoded word by readers.
            && !text.contains("=?")
        let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        // Servers refuse lines over 998 characters, and a word cannot be folded inside.
        if isPlain && words.allSatisfy({ $0.count < 900 }) { return words }
        return encodedWords(text)
    }

    /// The words of a display name: bare when it is ASCII letters, digits and spaces, quoted when
    /// it is ASCII with punctuation (a comma or a dot would otherwise end the phrase), encoded
    /// otherwise.
    static func phraseWords(_ name: String) -> [String] {
        let atext = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "!#$%&'*+-/=?^_`{|}~ "))
        let isASCII = name.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) }
        if isASCII && !name.contains("=?") && name.unicodeScalars.allSatisfy(atext.contains) {
            return name.split(separator: " ").map(String.init)
        }
        if isASCII && name.count < 900 {
            let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return ["\"\(escaped)\""]
        }
        return encodedWords(name)
    }

    /// `=?UTF-8?B?…?=` words, each at most 60 characters so that one fits on a folded line beside
    /// the longest header name used here. Words end on whole Unicode scalars, since RFC 2047 does
    /// not allow a character to be split between two words.
    static func encodedWords(_ text: String) -> [String] {
        let maximumBytes = 36  // 48 base64 characters + 12 of framing
        var words: [String] = []
        var chunk: [UInt8] = []
        func flush() {
            words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
            chunk.removeAll()
        }
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > maximumBytes { flush() }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { flush() }
        return words
    }
}
