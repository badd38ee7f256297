extension CopyScorecard {
    /// The sentence to append to the prompt when re-asking a variant after hard failures, or
    /// `nil` when nothing hard failed (warnings never cost a second request).
    ///
    /// One clause per rule, in check order; banned words and numbers found in several fields
    /// are named in one clause:
    /// "Rewrite the variant: the headline must be at most 30 characters; do not use the word
    /// 'guaranteed'; do not state numbers that are not in the brief (found: 50%)."
    public static func retryInstruction(for scorecard: Scorecard) -> String? {
        let failures = scorecard.hardFailures
        guard !failures.isEmpty else { return nil }
        var clauses: [String] = []
        var handledIDs = Set<String>()
        for failure in failures where handledIDs.insert(failure.id).inserted {
            let group = failures.filter { $0.id == failure.id }
            switch failure.id {
            case Check.bannedID:
                clauses.append(Phrasing.bannedClause(unique(group.flatMap(\.found))))
            case Check.unsupportedNumbersID:
                clauses.append(Phrasing.numbersClause(unique(group.flatMap(\.found))))
            default:
                clauses += unique(group.compactMap(\.fix))
            }
        }
        return "Rewrite the variant: " + clauses.joined(separator: "; ") + "."
    }

    private static func unique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }
}
