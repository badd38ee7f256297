import Foundation

/// A rendered message taken apart as a mail reader would. It decodes RFC 2047 words and
/// quoted-printable on its own, sharing no code with the module, so a round trip through it
/// checks the module's encoders rather than repeating them.
struct ParsedMessage {
    /// The header section's physical lines, folds included.
    let headerLines: [String]
    /// The body's physical lines, still encoded.
    let bodyLines: [String]
    private let headers: [(name: String, value: String)]

    init(_ message: String) throws {
        guard let blank = message.range(of: "\r\n\r\n") else { throw Malformed("no blank line after the headers") }
        headerLines = message[..<blank.lowerBound].components(separatedBy: "\r\n")
        bodyLines = message[blank.upperBound...].components(separatedBy: "\r\n")
        var headers: [(name: String, value: String)] = []
        for line in headerLines {
            if line.hasPrefix(" ") || line.hasPrefix("\t") {
                guard !headers.isEmpty else { throw Malformed("a continuation line comes first") }
                headers[headers.count - 1].value += line
            } else {
                guard let colon = line.firstIndex(of: ":") else {
                    throw Malformed("header line without a colon: \(line)")
                }
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...].dropFirst())))
            }
        }
        self.headers = headers
    }

    /// Every header named `name`, unfolded but not decoded.
    func values(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    func header(_ name: String) -> String? { values(name).first }

    /// The header with its encoded words decoded; white space between two encoded words drops out.
    func decodedHeader(_ name: String) -> String? {
        guard let value = header(name) else { return nil }
        var result = ""
        var pending: [UInt8] = []
        var previousWasEncoded = false
        for (index, word) in value.components(separatedBy: " ").enumerated() {
            if word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?=") {
                let base64 = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
                guard let bytes = Data(base64Encoded: String(base64)) else { return nil }
                if !previousWasEncoded && index > 0 { result += " " }
                pending += bytes
                previousWasEncoded = true
            } else {
                result += String(decoding: pending, as: UTF8.self)
                pending = []
                if index > 0 { result += " " }
                result += word
                previousWasEncoded = false
            }
        }
        return result + String(decoding: pending, as: UTF8.self)
    }

    /// The body, quoted-printable decoded, with CRLF line ends.
    var decodedBody: String {
        var bytes: [UInt8] = []
        let encoded = Array(bodyLines.joined(separator: "\r\n").utf8)
        var index = 0
        while index < encoded.count {
            if encoded[index] == UInt8(ascii: "="), index + 2 < encoded.count {
                let next = [encoded[index + 1], encoded[index + 2]]
                if next == Array("\r\n".utf8) {
                    index += 3  // a soft line break
                    continue
                }
                if let byte = UInt8(String(decoding: next, as: UTF8.self), radix: 16) {
                    bytes.append(byte)
                    index += 3
                    continue
                }
            }
            bytes.append(encoded[index])
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    struct Malformed: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

extension String {
    /// Whether every line break is CRLF: no lone CR or LF.
    var hasOnlyCRLFLineEnds: Bool {
        let bytes = Array(utf8)
        for (index, byte) in bytes.enumerated() {
            if byte == 0x0D && (index + 1 == bytes.count || bytes[index + 1] != 0x0A) { return false }
            if byte == 0x0A && (index == 0 || bytes[index - 1] != 0x0D) { return false }
        }
        return true
    }

    /// The text with every line break as CRLF, ending in one: what a rendered body decodes to.
    var asMessageBody: String {
        var text = replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .replacingOccurrences(of: "\n", with: "\r\n")
        if !text.hasSuffix("\r\n") { text += "\r\n" }
        return text
    }
}
