/// The quoted-printable transfer encoding (RFC 2045 §6.7), used for bodies that are mostly ASCII:
/// links and English text stay readable in the raw message, while every line stays within the
/// 76 characters that some relays still enforce.
enum QuotedPrintable {
    static let lineLimit = 76
    /// Only CR and LF break lines: other Unicode separators (U+2028…) are text, encoded as such.
    private static let lineBreaks: Set<Character> = ["\r\n", "\n", "\r"]

    /// Encodes `text` as UTF-8, with its line breaks (`\n`, `\r\n`, `\r`) as CRLF.
    static func encode(_ text: String) -> String {
        text.split(omittingEmptySubsequences: false, whereSeparator: lineBreaks.contains)
            .map(encodeLine)
            .joined(separator: "\r\n")
    }

    /// Encodes one line of text, adding soft line breaks (`=` CRLF) where it is too long.
    private static func encodeLine(_ line: Substring) -> String {
        let bytes = Array(line.utf8)
        var output = ""
        var lineLength = 0
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            let token: String
            switch byte {
            // White space is literal except at the end of a line, where transports may strip it.
            case 0x20, 0x09: token = isLast ? "=" + hex(byte) : String(UnicodeScalar(byte))
            case 0x21...0x3C, 0x3E...0x7E: token = String(UnicodeScalar(byte))
            default: token = "=" + hex(byte)
            }
            // A soft break's "=" needs a column of its own, except after the line's last token.
            let limit = isLast ? lineLimit : lineLimit - 1
            if lineLength + token.count > limit {
                output += "=\r\n"
                lineLength = 0
            }
            output += token
            lineLength += token.count
        }
        return output
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
