/// One rule's verdict on a variant, as the page shows it.
public struct Check: Sendable, Codable, Hashable {
    /// Whether a failure blocks the variant or only informs.
    public enum Severity: String, Sendable, Codable, Hashable {
        /// The variant is re-asked once and then shown as failing.
        case hard
        /// Shown as advice; the variant passes.
        case warning
    }

    /// Stable rule id: `limit:<field>`, `reading`, `banned`, `unsupported-numbers`,
    /// `unsupported-claims`, `testimonial`, `duplicate`.
    public var id: String
    public var severity: Severity
    public var passed: Bool
    /// What a person reads: names the field and the value ("Headline is 34 characters; the
    /// limit is 30.").
    public var message: String
    /// The output field the verdict is about; `nil` when it concerns the whole variant.
    public var field: String?
    /// The offending text as found (words, numbers, quotes), for highlighting; empty when passed.
    public var found: [String]
    /// What a rewrite must do to pass, phrased to be appended to a prompt; `nil` when passed.
    public var fix: String?

    public init(
        id: String,
        severity: Severity,
        passed: Bool,
        message: String,
        field: String? = nil,
        found: [String] = [],
        fix: String? = nil
    ) {
        self.id = id
        self.severity = severity
        self.passed = passed
        self.message = message
        self.field = field
        self.found = found
        self.fix = fix
    }

    /// True for a hard check that failed: the variant cannot be shown as passing.
    public var isHardFailure: Bool { severity == .hard && !passed }
}
