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

    @Flag(help: "Stay running: rebuild after every change to content/, layouts/ or static/ (stop with Ctrl-C).")
    var watch = false

    @Flag(help: "With --watch: look for changes by polling every 250 ms instead of inotify.")
    var poll = false

    func validate() throws {
        if clean && watch { throw ValidationError("--clean and --watch do not go together: watching reuses the last build") }
        if poll && !watch { throw ValidationError("--poll only applies to --watch") }
    }

    func run() async throws {
        let options = BuildOptions(
            siteDirectory: site.absoluteSite, outputDirectory: output.map(site.absolute),
            privateDirectory: privateOutput.map(site.absolute), includeDrafts: site.drafts, baseURL: site.baseURL,
            incremental: !clean)
        if watch {
            let watcher = SiteWatcher(options: options, verbose: site.verbose, polling: poll)
            _ = await watcher.start { _ in }
            // The watcher thread does the work from here on; this task only keeps the process up.
            while true { try await Task.sleep(for: .seconds(3600)) }
        }
        let report = BuildRunner.run(SiteBuilder(options: options), steps: BuildPipeline.build, verbose: site.verbose)
        if !report.succeeded { throw ExitCode.failure }
    }
}
