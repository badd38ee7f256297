import SiteModel

/// One named stage of the build, run over the shared context.
public struct BuildStep: Sendable {
    public let name: String
    let body: @Sendable (inout BuildContext) throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (inout BuildContext) throws -> Void) {
        self.name = name
        self.body = body
    }
}

/// Stops the build: thrown by a step when going on would be pointless (errors were found).
public struct BuildFailure: Error, CustomStringConvertible {
    public var step: String
    public var diagnostics: [Diagnostic]

    public var description: String {
        let errors = diagnostics.filter { $0.severity == .error }.count
        return "build failed in step '\(step)' with \(errors) error\(errors == 1 ? "" : "s")"
    }
}
