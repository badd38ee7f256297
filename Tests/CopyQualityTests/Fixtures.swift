import CopyQuality

/// A Google Ads template's outputs and a brief, shared by the rule tests.
enum Fixtures {
    static let adLimits = [
        OutputLimit(name: "headline", label: "Headline", maxChars: 30),
        OutputLimit(name: "description", label: "Description", maxChars: 90),
    ]

    static let brief = [
        "product": "Swift for Beginners, an online course",
        "audience": "career changers",
        "offer": "$29 a month, cancel any time",
    ]

    static func ad(_ headline: String, _ description: String) -> CopyVariant {
        CopyVariant(fields: ["headline": headline, "description": description])
    }

    /// Scores with the ad limits and brief unless a test gives its own.
    static func score(
        _ variant: CopyVariant,
        limits: [OutputLimit] = adLimits,
        inputs: [String: String] = brief,
        target: ReadingTarget = .standard,
        policy: QualityPolicy = .standard,
        others: [CopyVariant] = []
    ) -> Scorecard {
        CopyScorecard.evaluate(variant, limits: limits, inputs: inputs, target: target, policy: policy, otherVariants: others)
    }
}

extension Scorecard {
    /// The checks with one id, in order.
    func checks(_ id: String) -> [Check] {
        checks.filter { $0.id == id }
    }

    /// The failed checks with one id.
    func failures(_ id: String) -> [Check] {
        checks(id).filter { !$0.passed }
    }
}
