/// Who may read a lesson.
public enum Access: String, Sendable, Hashable, Codable, CaseIterable {
    /// Anyone, signed in or not; the full lesson is public.
    case free
    /// Anyone signed in; the page is public HTML with a sign-in prompt around progress features.
    case preview
    /// Holders of an offer that includes the course; `dist/` gets only a teaser.
    case paid

    /// The badge text readers see.
    public var label: String {
        switch self {
        case .free: "Free"
        case .preview: "Preview"
        case .paid: "Pro"
        }
    }
}
