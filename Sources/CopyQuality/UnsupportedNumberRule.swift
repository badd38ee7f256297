/// Hard: every number in the copy appears in the brief.
///
/// A price, percentage or result the user never gave is the most damaging thing a model
/// invents, so it blocks the variant; see `NumberScanner` for what counts as a number.
enum UnsupportedNumberRule {
    static func checks(_ fields: [CopyField], brief: CopyBrief) -> [Check] {
        let failures = fields.compactMap { field -> Check? in
            var seen = Set<String>()
            let found = NumberScanner.mentions(in: field.text)
                .filter { !brief.numbers.contains($0.value) && seen.insert($0.text).inserted }
                .map(\.text)
            guard !found.isEmpty else { return nil }
            let verb = found.count == 1 ? "which is" : "which are"
            return Check(
                id: Check.unsupportedNumbersID,
                severity: .hard,
                passed: false,
                message: "\(field.label) states \(Phrasing.list(found, open: "", close: "")), \(verb) not in the brief.",
                field: field.name,
                found: found,
                fix: Phrasing.numbersClause(found)
            )
        }
        guard failures.isEmpty else { return failures }
        return [
            Check(
                id: Check.unsupportedNumbersID,
                severity: .hard,
                passed: true,
                message: "Every number is in the brief."
            )
        ]
    }
}
