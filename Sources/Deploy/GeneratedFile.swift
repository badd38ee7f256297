import Foundation

/// One file `lectern deploy` writes: a name relative to the output folder and its text.
public struct GeneratedFile: Sendable, Equatable {
    public let name: String
    public let contents: String

    public init(name: String, contents: String) {
        self.name = name
        self.contents = contents
    }

    /// Writes the file into `directory` (created if needed), replacing it atomically.
    public func write(into directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try contents.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
    }
}
