/// The quality report on one variant: every check, passing or not, and the reading scores.
public struct Scorecard: Sendable, Hashable {
    /// In a fixed order: limits (in the template's field order), reading, banned,
    /// unsupported numbers, unsupported claims, testimonial, duplicate.
    public var checks: [Check]
    /// Flesch reading ease over all fields, to one decimal; `nil` when too short to score.
    public var readingEase: Double?
    /// Flesch–Kincaid grade level over all fields, to one decimal; `nil` when too short to score.
    public var gradeLevel: Double?

    public init(checks: [Check], readingEase: Double?, gradeLevel: Double?) {
        self.checks = checks
        self.readingEase = readingEase
        self.gradeLevel = gradeLevel
    }

    /// True when no hard check failed; warnings do not stop a variant.
    public var passed: Bool { hardFailures.isEmpty }

    /// The hard checks that failed, in check order.
    public var hardFailures: [Check] { checks.filter(\.isHardFailure) }

    /// The warnings that fired, in check order.
    public var warnings: [Check] { checks.filter { $0.severity == .warning && !$0.passed } }
}

extension Scorecard: Codable {
    private enum CodingKeys: String, CodingKey {
        case passed, hardFailureCount, warningCount, readingEase, gradeLevel, checks
    }

    /// Reads `checks` and the scores; `passed` and the counts are derived, so a document whose
    /// summary disagrees with its checks cannot produce a scorecard that does.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        checks = try container.decode([Check].self, forKey: .checks)
        readingEase = try container.decodeIfPresent(Double.self, forKey: .readingEase)
        gradeLevel = try container.decodeIfPresent(Double.self, forKey: .gradeLevel)
    }

    /// Writes the summary the page needs for a badge (`passed`, counts) beside the checks.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(passed, forKey: .passed)
        try container.encode(hardFailures.count, forKey: .hardFailureCount)
        try container.encode(warnings.count, forKey: .warningCount)
        try container.encodeIfPresent(readingEase, forKey: .readingEase)
        try container.encodeIfPresent(gradeLevel, forKey: .gradeLevel)
        try container.encode(checks, forKey: .checks)
    }
}
