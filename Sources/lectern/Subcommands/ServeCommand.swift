import ArgumentParser
import Deploy
import Foundation
import Logging
import Router
import SiteBuild

/// `lectern serve`: build the site, start the functions, and serve both on one port.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve dist/ and proxy /api/<function>/ to the function processes (SQLite by default).")

    @OptionGroup var site: SiteOptions

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 8080

    @Option(help: "The public site to serve (default: SITE/dist).")
    var dist: String?

    @Option(help: "The private output: gated lessons and manifest.json (default: SITE/private).")
    var privateDir: String?

    @Flag(help: "Serve the existing output without building first.")
    var noBuild = false

    @Option(help: "Serve the live release of a publishing remote's deploy folder (DIR/current), following each switch; branch previews answer on <branch>.preview.<host>.")
    var releaseDir: String?

    @Flag(help: "Rebuild when content/, layouts/ or static/ change and reload open pages.")
    var watch = false

    @Flag(help: "Do not start the function processes (static files only).")
    var noFunctions = false

    @Option(help: "Comma-separated functions to start (default: every function binary beside lectern).")
    var functions: String?

    @Option(help: "Seconds a function may take to answer before the router gives up with 504.")
    var deadline = 30

    func run() async throws {
        let siteDirectory = site.absoluteSite
        // Through the `current` symlink: every request resolves it, so a switch needs no restart.
        let release = releaseDir.map { site.absolute($0) + "/current" }
        let distDirectory = release.map { $0 + "/dist" } ?? dist.map(site.absolute) ?? siteDirectory + "/dist"
        let privateDirectory = release.map { $0 + "/private" } ?? privateDir.map(site.absolute) ?? siteDirectory + "/private"
        let localURL = "http://\(host == "0.0.0.0" ? "localhost" : host == "127.0.0.1" ? "localhost" : host):\(port)"
        let buildOptions = BuildOptions(
            siteDirectory: siteDirectory, outputDirectory: distDirectory, privateDirectory: privateDirectory,
            includeDrafts: site.drafts, baseURL: site.baseURL ?? localURL, incremental: true)

        // With --watch the first build is the resident build's own (below, once the live-reload
        // channel exists); it is then rebuilt after each change.
        let watcher = watch && release == nil ? SiteWatcher(options: buildOptions, verbose: site.verbose) : nil
        if watcher == nil && !noBuild && release == nil {
            let report = BuildRunner.run(SiteBuilder(options: buildOptions), steps: BuildPipeline.build, verbose: site.verbose)
            if !report.succeeded { throw ExitCode.failure }
        }

        var options = SiteServer.Options(
            distDirectory: distDirectory, privateDirectory: privateDirectory,
            // One folder of sockets per router process: a second `lectern serve` on the same site
            // must not replace the first one's sockets (its requests would reach the wrong functions).
            runtimeDirectory: siteDirectory + "/.lectern/run/\(getpid())")
        options.host = host
        options.port = port
        options.deadline = .seconds(deadline)
        options.liveReload = watch
        if let releaseDir { options.previewsDirectory = site.absolute(releaseDir) + "/previews" }
        let openAPI = siteDirectory + "/functions/openapi.json"
        options.openAPIDocument = FileManager.default.fileExists(atPath: openAPI) ? openAPI : nil
        if !noFunctions {
            options.functions = try functionSpecs(siteDirectory: siteDirectory, privateDirectory: privateDirectory, siteURL: site.baseURL ?? localURL)
        }

        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
        let server = SiteServer(options: options)
        if let watcher {
            // Before the functions start: they read the manifest the build writes.
            let reload = server.liveReload
            let show: @Sendable (SiteBuilder.Report) -> Void = { report in
                if report.succeeded {
                    reload.buildSucceeded()
                } else {
                    reload.buildFailed(report.errors.map(\.description).joined(separator: "\n"))
                }
            }
            show(await watcher.start(rebuilt: show))
        }
        try await server.supervisor.startAll()
        let names = options.functions.map(\.name).joined(separator: ", ").ifEmpty("none")
        let app = server.makeApplication { [host] port in
            // Written straight to the file descriptor: scripts and supervisors read this line
            // through a pipe, where `print` would sit in a buffer.
            FileHandle.standardOutput.write(Data("Serving \(distDirectory) on http://\(host):\(port ?? 0) — functions: \(names)\n".utf8))
        }
        try await app.runService()
    }

    /// The function binaries live beside `lectern` (one build produces all of them).
    func functionSpecs(siteDirectory: String, privateDirectory: String, siteURL: String) throws -> [FunctionSpec] {
        let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path
        let known = FunctionBinaries.known
        let wanted = functions.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? known
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = environment["DATABASE_URL"] ?? "sqlite://\(siteDirectory)/.lectern/lectern.sqlite"
        environment["LECTERN_PRIVATE_DIR"] = privateDirectory
        environment["SITE_URL"] = environment["SITE_URL"] ?? siteURL
        environment["LECTERN_DOTENV"] = siteDirectory + "/.env"
        var specs: [FunctionSpec] = []
        for name in wanted {
            let executable = binDirectory + "/" + name
            guard FileManager.default.isExecutableFile(atPath: executable) else {
                if functions != nil {
                    throw ValidationError("--functions: no '\(name)' binary in \(binDirectory). Build it with `swift build --product \(name)`.")
                }
                FileHandle.standardError.write(Data("note: no '\(name)' binary in \(binDirectory); /api/\(name)/ will answer 404\n".utf8))
                continue
            }
            specs.append(FunctionSpec(name: name, executable: executable, environment: environment, workingDirectory: siteDirectory))
        }
        return specs
    }
}

private extension String {
    func ifEmpty(_ fallback: String) -> String { isEmpty ? fallback : self }
}
