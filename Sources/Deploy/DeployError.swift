/// A reason `lectern deploy` cannot write its files, worded for the person running it: what is
/// wrong, where (the option, or the file and line), and what to do.
public struct DeployError: Error, CustomStringConvertible, Equatable {
    public let description: String

    init(_ description: String) {
        self.description = description
    }

    /// The `_headers` file of the live release is missing or unreadable.
    static func headersUnreadable(_ path: String) -> DeployError {
        DeployError("\(path): cannot be read. Publish a release first (push to the remote made by `lectern remote init`), "
            + "or name the build's _headers file with --headers FILE.")
    }

    /// A line of `_headers` nginx cannot carry.
    static func headersLine(_ path: String, _ line: Int, _ problem: String) -> DeployError {
        DeployError("\(path):\(line): \(problem)")
    }

    /// An option value that would break (or inject into) the generated configuration.
    static func unsafe(_ option: String, _ value: String, _ problem: String) -> DeployError {
        DeployError("\(option) '\(value)': \(problem)")
    }
}
