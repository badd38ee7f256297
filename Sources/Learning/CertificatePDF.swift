import Foundation

/// A one-page certificate as PDF 1.4, written directly: landscape A4, the standard Helvetica
/// fonts (every PDF reader has them, nothing to embed), the course title, the learner's name,
/// the date and the verification URL. Text outside Latin-1 is replaced, since the standard
/// fonts cannot show it.
public enum CertificatePDF {
    public static func render(name: String, courseTitle: String, issuedAt: Int, verifyURL: String, siteName: String) -> [UInt8] {
        let formatter = DateFormatter()
        formatter.dateFormat = "d MMMM yyyy"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        let date = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(issuedAt)))
        let width = 842.0, height = 595.0
        var content = "0.2 0.3 0.5 RG 4 w 30 30 \(Int(width) - 60) \(Int(height) - 60) re S\n"
        func line(_ text: String, font: String, size: Double, y: Double) {
            // Helvetica averages about half an em per character: close enough to centre a line.
            let estimate = Double(text.count) * size * 0.5
            let x = max(40, (width - estimate) / 2)
            content += "BT /\(font) \(format(size)) Tf \(format(x)) \(format(y)) Td (\(escape(text))) Tj ET\n"
        }
        line("Certificate of completion", font: "F2", size: 30, y: 470)
        line("This certifies that", font: "F1", size: 16, y: 410)
        line(name, font: "F2", size: 28, y: 365)
        line("completed the course", font: "F1", size: 16, y: 320)
        line(courseTitle, font: "F2", size: 22, y: 280)
        line("on \(date) at \(siteName)", font: "F1", size: 14, y: 235)
        line("Verify: \(verifyURL)", font: "F1", size: 11, y: 90)

        var objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(Int(width)) \(Int(height))] /Contents 4 0 R /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        ]
        let stream = Array(content.utf8)
        objects.append("<< /Length \(stream.count) >>\nstream\n\(content)endstream")
        objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
        objects.append("<< /Title (\(escape("\(courseTitle): \(name)"))) /Producer (Lectern) >>")

        var output: [UInt8] = Array("%PDF-1.4\n%\u{e2}\u{e3}\u{cf}\u{d3}\n".unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) })
        var offsets: [Int] = []
        for (index, body) in objects.enumerated() {
            offsets.append(output.count)
            output += latin1("\(index + 1) 0 obj\n\(body)\nendobj\n")
        }
        let xref = output.count
        var table = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { table += String(format: "%010d 00000 n \n", offset) }
        table += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R /Info \(objects.count) 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        output += latin1(table)
        return output
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    /// A PDF literal string: backslash, parentheses escaped; characters beyond Latin-1 replaced.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "(": out += "\\("
            case ")": out += "\\)"
            case "\n", "\r": out += " "
            case let s where s.value < 0x20: continue
            case let s where s.value > 0xFF:
                out += scalar == "“" || scalar == "”" ? "\"" : scalar == "’" || scalar == "‘" ? "'" : scalar == "–" || scalar == "—" ? "-" : "?"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The file is Latin-1 throughout (WinAnsi text in the stream): one byte per scalar.
    static func latin1(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
    }
}
