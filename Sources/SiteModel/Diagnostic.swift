/// A problem found in a site's sources, with where it is and what to do about it.
///
/// Every error a user can cause is a `Diagnostic`: the build collects them all before it stops,
/// so an author sees every mistake in one run rather than one per run.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    /// How serious a diagnostic is: errors fail the build, warnings do not.
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    public var severity: Severity
    /// Path of the file, relative to the site root (`content/courses/x/_index.md`).
    public var file: String
    /// 1-based line in `file`, or `nil` when the problem concerns the whole file.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    public var message: String

    public init(_ severity: Severity, file: String, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: error: message`, the shape editors and terminals link to.
    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return "\(location): \(severity.rawValue): \(message)"
    }
}
