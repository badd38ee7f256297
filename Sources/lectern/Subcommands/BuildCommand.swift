import ArgumentParser
import SiteBuild

/// `lectern build`: compile `content/` with the layouts into `dist/` and the private output.
struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build", abstract: "Build the site into dist/ (public) and private/ (gated lessons, manifest).")

    @OptionGroup var site: SiteOptions

    @Option(name: .shortAndLong, help: "Where to write the public site (default: SITE/dist).")
    var output: String?

    @Option(help: "Where to write gated lessons and the manifest (default: SITE/private).")
    var privateOutput: String?

    @Flag(help: "Ignore the build cache and rebuild every page.")
    var clean = false

    func run() async throws {
        let options = BuildOptions(
            siteDirectory: site.absoluteSite, outputDirectory: output.map(site.absolute),
            privateDirectory: privateOutput.map(site.absolute), includeDrafts: site.drafts, baseURL: site.baseURL,
            incremental: !clean)
        let report = BuildRunner.run(SiteBuilder(options: options), steps: BuildPipeline.build, verbose: site.verbose)
        if !report.succeeded { throw ExitCode.failure }
    }
}
