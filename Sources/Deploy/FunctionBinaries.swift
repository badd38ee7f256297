import Foundation

/// The function binaries one `swift build` produces beside `lectern`.
public enum FunctionBinaries {
    /// Every function this repository builds, in the order the generated files list them.
    public static let known = ["leads", "access", "auth", "progress", "payments", "generate"]

    /// The known functions with an executable in `directory`.
    public static func found(in directory: String) -> [String] {
        known.filter { FileManager.default.isExecutableFile(atPath: directory + "/" + $0) }
    }
}
