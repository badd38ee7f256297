extension MarkupStripper {
    /// A cursor over scalars with the few tokenizer moves stripping needs.
    struct Reader {
        struct Tag {
            var name: String
            var isClosing: Bool
        }

        private let scalars: [Unicode.Scalar]
        private var index = 0

        init(_ scalars: [Unicode.Scalar]) {
            self.scalars = scalars
        }

        func peek(_ offset: Int = 0) -> Unicode.Scalar? {
            index + offset < scalars.count ? scalars[index + offset] : nil
        }

        mutating func advance(_ count: Int = 1) {
            index = min(index + count, scalars.count)
        }

        /// Reads `<name …>` or `</name …>` through its `>`. A quote opened after `=` hides `>`
        /// until it closes, as in `<a title="a>b">`.
        mutating func readTag() -> Tag {
            advance()  // <
            let isClosing = peek() == "/"
            if isClosing { advance() }
            var name = ""
            while let scalar = peek(), MarkupStripper.isASCIILetter(scalar) || ("0"..."9").contains(scalar) {
                name.unicodeScalars.append(scalar)
                advance()
            }
            var quote: Unicode.Scalar?
            var lastSignificant: Unicode.Scalar?
            while let scalar = peek() {
                advance()
                if let open = quote {
                    if scalar == open { quote = nil }
                    continue
                }
                if scalar == ">" { break }
                if scalar == "\"" || scalar == "'", lastSignificant == "=" {
                    quote = scalar
                }
                if !scalar.properties.isWhitespace { lastSignificant = scalar }
            }
            return Tag(name: name.lowercased(), isClosing: isClosing)
        }

        /// Skips an element's raw content through `</name …>`, or to the end when it never closes.
        mutating func skipRawText(until name: String) {
            let closing = Array(("</" + name).unicodeScalars)
            while index < scalars.count {
                if matches(closing), peek(closing.count).map({ !MarkupStripper.isASCIILetter($0) }) ?? true {
                    _ = readTag()
                    return
                }
                advance()
            }
        }

        /// Skips `<!-- … -->` or another `<! … >` declaration.
        mutating func skipDeclaration() {
            if matches(Array("<!--".unicodeScalars)) {
                advance(4)
                while index < scalars.count, !matches(Array("-->".unicodeScalars)) { advance() }
                advance(3)
            } else {
                skip(through: ">")
            }
        }

        mutating func skip(through terminator: Unicode.Scalar) {
            while let scalar = peek() {
                advance()
                if scalar == terminator { return }
            }
        }

        // Case-insensitive for ASCII letters, which is all tag names use.
        private func matches(_ target: [Unicode.Scalar]) -> Bool {
            guard index + target.count <= scalars.count else { return false }
            for (offset, expected) in target.enumerated() {
                let actual = scalars[index + offset]
                if actual != expected, lowercase(actual) != expected { return false }
            }
            return true
        }

        private func lowercase(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
            ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar
        }
    }
}
