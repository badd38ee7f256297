import Foundation
import SiteBuild
import SiteModel

/// Runs a pipeline and prints its diagnostics and summary line, the part `build` and `check` share.
enum BuildRunner {
    /// Warnings shown in full before the rest are counted, so a large site's output stays readable.
    static let warningLimit = 50

    static func run(_ builder: SiteBuilder, steps: [BuildStep], verbose: Bool) -> SiteBuilder.Report {
        run(steps: steps.count, verbose: verbose) { log in builder.run(steps, log: log) }
    }

    /// Runs `build` (a pipeline of `steps` steps, given the line logger) and prints the outcome.
    static func run(
        steps: Int = BuildPipeline.build.count, verbose: Bool, _ build: ((String) -> Void) -> SiteBuilder.Report
    ) -> SiteBuilder.Report {
        // On a terminal, one line redrawn per step; in logs and pipes, nothing (or `-v` lines).
        let showsProgress = !verbose && isatty(STDERR_FILENO) == 1
        var step = 0
        let report = build { line in
            step += 1
            if verbose {
                printError(line)
            } else if showsProgress {
                let done = min(20, step * 20 / steps)
                let bar = String(repeating: "█", count: done) + String(repeating: "░", count: 20 - done)
                let name = line.drop { $0 != " " }.dropFirst()
                FileHandle.standardError.write(Data("\r\u{1B}[2K\(bar) \(step)/\(steps) \(name)".utf8))
            }
        }
        if showsProgress { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        for error in report.errors { printError(error.description) }
        for warning in report.warnings.prefix(warningLimit) { printError(warning.description) }
        if report.warnings.count > warningLimit {
            printError("… and \(report.warnings.count - warningLimit) more warnings")
        }
        print(report.summary)
        return report
    }

    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
