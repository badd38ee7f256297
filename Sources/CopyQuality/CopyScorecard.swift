/// Scores generated copy against its template and brief: the same inputs always give the
/// same scorecard, with no model in the loop.
public enum CopyScorecard {
    /// Scores one variant.
    ///
    /// Pass the variant as the page will show it (see `CopyVariant.sanitized()`).
    /// - Parameters:
    ///   - variant: The generated fields.
    ///   - limits: The template's outputs; their order is the order checks are reported in.
    ///   - inputs: What the user typed: the only source of numbers, claims and testimonials.
    ///   - target: The reading level to meet; reading ease ≥ 50 unless the template says.
    ///   - policy: Banned words, claim words and the duplicate threshold.
    ///   - otherVariants: The other variants of the same request, not this one; a
    ///     near-duplicate is named by its 1-based position in this list.
    public static func evaluate(
        _ variant: CopyVariant,
        limits: [OutputLimit],
        inputs: [String: String],
        target: ReadingTarget = .standard,
        policy: QualityPolicy = .standard,
        otherVariants: [CopyVariant] = []
    ) -> Scorecard {
        let others = otherVariants.enumerated().map { (number: $0.offset + 1, variant: $0.element) }
        return score(variant, limits: limits, brief: CopyBrief(inputs), target: target, policy: policy, others: others)
    }

    /// Scores every variant of one request against the others; near-duplicates are named by
    /// their 1-based position in `variants`, the numbers the page shows.
    public static func evaluateAll(
        _ variants: [CopyVariant],
        limits: [OutputLimit],
        inputs: [String: String],
        target: ReadingTarget = .standard,
        policy: QualityPolicy = .standard
    ) -> [Scorecard] {
        let brief = CopyBrief(inputs)
        return variants.indices.map { index in
            let others = variants.indices.filter { $0 != index }.map { (number: $0 + 1, variant: variants[$0]) }
            return score(variants[index], limits: limits, brief: brief, target: target, policy: policy, others: others)
        }
    }

    private static func score(
        _ variant: CopyVariant,
        limits: [OutputLimit],
        brief: CopyBrief,
        target: ReadingTarget,
        policy: QualityPolicy,
        others: [DuplicateRule.NumberedVariant]
    ) -> Scorecard {
        let fields = CopyField.ordered(variant, limits: limits)
        let reading = ReadingRule.check(fields, target: target)
        var checks = LengthRule.checks(variant, limits: limits)
        checks.append(reading.check)
        checks += BannedTermRule.checks(fields, policy: policy)
        checks += UnsupportedNumberRule.checks(fields, brief: brief)
        checks += UnsupportedClaimRule.checks(fields, brief: brief, policy: policy)
        checks += TestimonialRule.checks(fields, brief: brief)
        checks.append(DuplicateRule.check(fields, others: others, limits: limits, policy: policy))
        return Scorecard(checks: checks, readingEase: reading.ease, gradeLevel: reading.grade)
    }
}
