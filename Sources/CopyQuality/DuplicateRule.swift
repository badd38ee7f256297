import Foundation

/// Warning: the variant is not nearly the same as another one; a user asked for choices.
enum DuplicateRule {
    /// Another variant and the number people know it by (1-based).
    typealias NumberedVariant = (number: Int, variant: CopyVariant)

    static func check(
        _ fields: [CopyField],
        others: [NumberedVariant],
        limits: [OutputLimit],
        policy: QualityPolicy
    ) -> Check {
        let mine = Shingles(fields.map(\.text).joined(separator: "\n"))
        let similar = others.compactMap { other -> (number: Int, similarity: Double)? in
            let theirs = Shingles(CopyField.ordered(other.variant, limits: limits).map(\.text).joined(separator: "\n"))
            let similarity = mine.jaccard(theirs)
            return similarity >= policy.duplicateThreshold ? (other.number, similarity) : nil
        }
        guard !similar.isEmpty else {
            return Check(id: Check.duplicateID, severity: .warning, passed: true, message: "Not a near-duplicate of another variant.")
        }
        let described = similar.map { "variant \($0.number) (\(percent($0.similarity)) of three-word phrases shared)" }
        return Check(
            id: Check.duplicateID,
            severity: .warning,
            passed: false,
            message: "Nearly the same as \(described.joined(separator: " and ")).",
            found: similar.map { String($0.number) },
            fix: "use different wording from the other variants"
        )
    }

    private static func percent(_ fraction: Double) -> String {
        "\(Int((fraction * 100).rounded(.down)))%"
    }
}
