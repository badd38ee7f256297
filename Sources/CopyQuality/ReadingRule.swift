import Foundation

/// Warning: the whole variant's Flesch reading ease and grade level against the target.
enum ReadingRule {
    /// Below this many words a Flesch score says more about the formula than about the text.
    static let minimumWords = 3

    static func check(_ fields: [CopyField], target: ReadingTarget) -> (check: Check, ease: Double?, grade: Double?) {
        let measured = Readability(measuring: fields.map(\.text))
        guard measured.words >= minimumWords else {
            let check = Check(
                id: Check.readingID,
                severity: .warning,
                passed: true,
                message: "Too short to score reading level (\(measured.words) \(measured.words == 1 ? "word" : "words"))."
            )
            return (check, nil, nil)
        }
        // Rounded before comparing, so the verdict agrees with the numbers a person is shown.
        let ease = rounded(measured.ease)
        let grade = rounded(measured.grade)
        let scores = "Reading ease is \(format(ease)) (grade \(format(grade)))"
        var shortfalls: [String] = []
        if let minimum = target.minimumEase, ease < minimum { shortfalls.append("ease at least \(format(minimum))") }
        if let maximum = target.maximumGrade, grade > maximum { shortfalls.append("grade at most \(format(maximum))") }
        let check: Check
        if shortfalls.isEmpty {
            check = Check(
                id: Check.readingID,
                severity: .warning,
                passed: true,
                message: "\(scores); \(describe(target))."
            )
        } else {
            check = Check(
                id: Check.readingID,
                severity: .warning,
                passed: false,
                message: "\(scores); the target is \(shortfalls.joined(separator: " and ")).",
                fix: "use shorter sentences and shorter words"
            )
        }
        return (check, ease, grade)
    }

    private static func describe(_ target: ReadingTarget) -> String {
        var parts: [String] = []
        if let minimum = target.minimumEase { parts.append("ease at least \(format(minimum))") }
        if let maximum = target.maximumGrade { parts.append("grade at most \(format(maximum))") }
        return parts.isEmpty ? "no target is set" : "the target is " + parts.joined(separator: " and ")
    }

    private static func rounded(_ value: Double) -> Double {
        (value * 10).rounded() / 10
    }

    private static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
