/// One generated variant: output field name → text (`headline`, `description`, …).
public struct CopyVariant: Sendable, Codable, Hashable {
    public var fields: [String: String]

    public init(fields: [String: String]) {
        self.fields = fields
    }

    /// The variant with every field passed through `CopySanitizer.plainText(_:)`.
    ///
    /// Score the sanitised variant: lengths and words should be those of the text the page shows,
    /// not of markup the sanitiser removes.
    public func sanitized() -> CopyVariant {
        CopyVariant(fields: fields.mapValues(CopySanitizer.plainText))
    }
}
