import ArgumentParser
import SiteBuild

/// `lectern check`: everything a build does except writing files.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check content, links and layouts without writing anything.")

    @OptionGroup var site: SiteOptions

    @Flag(help: "Also what only matters live: every paid offer needs a live payment price id.")
    var production = false

    func run() async throws {
        var options = BuildOptions(
            siteDirectory: site.absoluteSite, includeDrafts: site.drafts, baseURL: site.baseURL, writesOutput: false)
        options.production = production
        let report = BuildRunner.run(SiteBuilder(options: options), steps: BuildPipeline.check, verbose: site.verbose)
        if !report.succeeded { throw ExitCode.failure }
    }
}
