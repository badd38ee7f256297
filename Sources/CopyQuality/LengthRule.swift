import Foundation

/// Hard: each declared output is present and within its character limit.
///
/// Characters are user-perceived (`String.count`) after trimming, the count an ad platform's
/// editor shows: "café" is 4 and a flag emoji is 1.
enum LengthRule {
    static func checks(_ variant: CopyVariant, limits: [OutputLimit]) -> [Check] {
        limits.map { limit in
            let id = Check.limitID(field: limit.name)
            let text = (variant.fields[limit.name] ?? "").trimmedForCopy
            guard !text.isEmpty else {
                return Check(
                    id: id,
                    severity: .hard,
                    passed: false,
                    message: "\(limit.label) is missing.",
                    field: limit.name,
                    fix: "include the \(Phrasing.inSentence(limit.label))"
                )
            }
            let count = text.count
            guard let maximum = limit.maxChars else {
                return Check(
                    id: id,
                    severity: .hard,
                    passed: true,
                    message: "\(limit.label) is \(characters(count)); it has no limit.",
                    field: limit.name
                )
            }
            if count <= maximum {
                return Check(
                    id: id,
                    severity: .hard,
                    passed: true,
                    message: "\(limit.label) is \(characters(count)); the limit is \(maximum).",
                    field: limit.name
                )
            }
            return Check(
                id: id,
                severity: .hard,
                passed: false,
                message: "\(limit.label) is \(characters(count)); the limit is \(maximum).",
                field: limit.name,
                fix: "the \(Phrasing.inSentence(limit.label)) must be at most \(characters(maximum))"
            )
        }
    }

    private static func characters(_ count: Int) -> String {
        count == 1 ? "1 character" : "\(count) characters"
    }
}
