import Foundation
import SiteModel

/// Runs a build pipeline over a site and reports what it did.
public struct SiteBuilder: Sendable {
    public let options: BuildOptions

    public init(options: BuildOptions) {
        self.options = options
    }

    /// The outcome of a build: counts for the summary line and every diagnostic.
    public struct Report: Sendable {
        public var diagnostics: [Diagnostic]
        public var pages: Int
        public var courses: Int
        public var lessons: Int
        public var reusedPages: Int
        public var seconds: Double
        public var succeeded: Bool

        public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
        public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }

        /// `Built 41 pages (1 course, 20 lessons) with 0 warnings in 0.21 s.`
        public var summary: String {
            let verb = succeeded ? "Built" : "Failed:"
            var counts = "\(pages) pages (\(courses) course\(courses == 1 ? "" : "s"), \(lessons) lessons"
            counts += reusedPages > 0 ? "; \(pages - reusedPages) rendered, \(reusedPages) unchanged)" : ")"
            // Counted, not filtered: a large site can carry thousands of warnings.
            let errorCount = diagnostics.count { $0.severity == .error }
            let warningCount = diagnostics.count - errorCount
            let problems = succeeded
                ? "\(warningCount) warning\(warningCount == 1 ? "" : "s")"
                : "\(errorCount) error\(errorCount == 1 ? "" : "s") and \(warningCount) warning\(warningCount == 1 ? "" : "s")"
            return "\(verb) \(counts) with \(problems) in \(String(format: "%.2f", seconds)) s."
        }
    }

    /// Runs `steps`, calling `log` with `[i/n] step` before each.
    public func run(_ steps: [BuildStep] = BuildPipeline.build, log: (String) -> Void = { _ in }) -> Report {
        run(steps, from: BuildContext(options: options), log: log).report
    }

    /// Runs `steps` over `context` (a resident build's hands over its cache there) and returns
    /// the context as the last step left it.
    func run(_ steps: [BuildStep], from start: BuildContext, log: (String) -> Void)
        -> (report: Report, context: BuildContext)
    {
        let startTime = Date()
        var context = start
        var succeeded = true
        for (index, step) in steps.enumerated() {
            log("[\(index + 1)/\(steps.count)] \(step.name)")
            let stepStart = Date()
            defer { log("      \(step.name): \(String(format: "%.3f", Date().timeIntervalSince(stepStart))) s") }
            do {
                try step.body(&context)
            } catch is BuildFailure {
                // The step's diagnostics are already in the context.
                succeeded = false
                break
            } catch {
                context.diagnostics.append(Diagnostic(.error, file: options.outputDirectory, "\(step.name): \(error)"))
                succeeded = false
                break
            }
        }
        let report = Report(
            diagnostics: context.diagnostics, pages: context.writtenPages, courses: context.site.courses.count,
            lessons: context.site.lessonCount, reusedPages: context.reusedPages,
            seconds: Date().timeIntervalSince(startTime), succeeded: succeeded && context.errorCount == 0)
        return (report, context)
    }
}
