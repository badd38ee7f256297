/// Warning: superlatives and claims ("fastest", "award-winning") appear only when the brief
/// makes them.
///
/// A warning, not a block: "the best way to learn" is puffery more often than a false
/// statement, but a person should see it. Terms that are also banned are left to the banned
/// rule, so one word is not reported twice.
enum UnsupportedClaimRule {
    static func checks(_ fields: [CopyField], brief: CopyBrief, policy: QualityPolicy) -> [Check] {
        let banned = Set(policy.bannedTerms.map(TermMatcher.normalize))
        let claims = policy.claimTerms.filter { !banned.contains(TermMatcher.normalize($0)) }
        let failures = fields.compactMap { field -> Check? in
            let found = TermMatcher(field.text).matches(claims).filter { !brief.terms.contains($0) }
            guard !found.isEmpty else { return nil }
            return Check(
                id: Check.unsupportedClaimsID,
                severity: .warning,
                passed: false,
                message: "\(field.label) claims \(Phrasing.list(found)), which the brief does not support.",
                field: field.name,
                found: found,
                fix: "do not claim " + Phrasing.list(found, open: "'", close: "'", conjunction: "or")
                    + " unless the brief says so"
            )
        }
        guard failures.isEmpty else { return failures }
        return [
            Check(
                id: Check.unsupportedClaimsID,
                severity: .warning,
                passed: true,
                message: "No superlatives or claims beyond the brief."
            )
        ]
    }
}
