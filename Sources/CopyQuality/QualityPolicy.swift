/// The configurable word lists and thresholds behind the scorecard.
public struct QualityPolicy: Sendable, Codable, Hashable {
    /// Words and phrases copy must never use (a hard failure). Matched case-insensitively as
    /// whole words or phrases; see `TermMatcher` for what counts as a match.
    public var bannedTerms: [String]
    /// Superlatives and claims that need support from the brief (a warning when the inputs do
    /// not contain them).
    public var claimTerms: [String]
    /// The word 3-gram Jaccard similarity at or above which two variants are near-duplicates.
    public var duplicateThreshold: Double

    public init(
        bannedTerms: [String] = QualityPolicy.defaultBannedTerms,
        claimTerms: [String] = QualityPolicy.defaultClaimTerms,
        duplicateThreshold: Double = 0.8
    ) {
        self.bannedTerms = bannedTerms
        self.claimTerms = claimTerms
        self.duplicateThreshold = duplicateThreshold
    }

    /// The defaults: promises advertising codes and platform ad policies forbid or that
    /// invite complaints ("guaranteed", "risk-free", "cure"), and urgency pressure ("act now").
    public static let standard = QualityPolicy()

    /// Banned unless a policy says otherwise. "guarantee" and "guaranteed" are both listed
    /// because matching is by whole word, not by stem.
    public static let defaultBannedTerms = [
        "guaranteed", "guarantee", "#1", "number one", "risk-free", "risk free", "100%",
        "best in the world", "miracle", "act now", "no risk", "cure", "instant results",
    ]

    /// Claims a brief has to back up.
    public static let defaultClaimTerms = [
        "best", "fastest", "leading", "industry-leading", "#1", "world-class", "award-winning",
        "proven", "clinically", "top-rated", "unbeatable", "unmatched", "cheapest", "easiest",
        "most popular",
    ]
}
