/// How readable the copy of a template must be; either bound may be absent.
public struct ReadingTarget: Sendable, Codable, Hashable {
    /// The lowest acceptable Flesch reading ease (higher is easier; 60–70 is plain English).
    public var minimumEase: Double?
    /// The highest acceptable Flesch–Kincaid grade level.
    public var maximumGrade: Double?

    public init(minimumEase: Double? = nil, maximumGrade: Double? = nil) {
        self.minimumEase = minimumEase
        self.maximumGrade = maximumGrade
    }

    /// Reading ease of at least 50: the far end of "fairly difficult", which marketing copy
    /// written for a general audience should clear easily.
    public static let standard = ReadingTarget(minimumEase: 50)
}
