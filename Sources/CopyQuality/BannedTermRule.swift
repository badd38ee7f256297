/// Hard: no field uses a word or phrase from the policy's banned list.
enum BannedTermRule {
    static func checks(_ fields: [CopyField], policy: QualityPolicy) -> [Check] {
        let failures = fields.compactMap { field -> Check? in
            let found = TermMatcher(field.text).matches(policy.bannedTerms)
            guard !found.isEmpty else { return nil }
            let noun = found.count == 1 ? "the banned \(found[0].contains(" ") ? "phrase" : "word")" : "the banned words"
            return Check(
                id: Check.bannedID,
                severity: .hard,
                passed: false,
                message: "\(field.label) uses \(noun) \(Phrasing.list(found)).",
                field: field.name,
                found: found,
                fix: Phrasing.bannedClause(found)
            )
        }
        guard failures.isEmpty else { return failures }
        return [Check(id: Check.bannedID, severity: .hard, passed: true, message: "No banned words or phrases.")]
    }
}
