/// An output field a template asks for and its hard length limit.
///
/// Mirrors the template's output declaration without depending on the site model, so the
/// scorecard can run anywhere the copy is.
public struct OutputLimit: Sendable, Codable, Hashable {
    /// The field name in the variant (`headline`).
    public var name: String
    /// What people call it (`Headline`); messages use it.
    public var label: String
    /// The most user-perceived characters the field may have; `nil` for no limit.
    public var maxChars: Int?

    public init(name: String, label: String, maxChars: Int?) {
        self.name = name
        self.label = label
        self.maxChars = maxChars
    }
}
