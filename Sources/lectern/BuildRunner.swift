import Foundation
import SiteBuild
import SiteModel

/// Runs a pipeline and prints its diagnostics and summary line, the part `build` and `check` share.
enum BuildRunner {
    /// Warnings shown in full before the rest are counted, so a large site's output stays readable.
    static let warningLimit = 50

    static func run(_ builder: SiteBuilder, steps: [BuildStep], verbose: Bool) -> SiteBuilder.Report {
        let report = builder.run(steps) { line in
            if verbose { printError(line) }
        }
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
