import Foundation
import SiteBuild

/// `build --watch` and `serve --watch`: a resident build that rebuilds after each change.
///
/// The build stays in memory (`ResidentBuild`), so a change to one lesson's text re-renders that
/// lesson and patches the search index instead of re-running the whole build; changes come from
/// `SourceMonitor` (inotify, or polling where it is not available).
///
/// It runs on a thread of its own: a rebuild is seconds of CPU work on a large site, which would
/// hold up one of the cooperative pool's few threads (and with it the server) for that long.
struct SiteWatcher: Sendable {
    let options: BuildOptions
    let verbose: Bool
    /// Poll instead of using inotify.
    var polling = false

    /// Builds the site, returns that first build's report, and keeps rebuilding after every
    /// change, calling `rebuilt` with each report.
    func start(rebuilt: @escaping @Sendable (SiteBuilder.Report) -> Void) async -> SiteBuilder.Report {
        await withCheckedContinuation { continuation in
            let thread = Thread { [options, verbose, polling] in
                // Watching starts before the first build, so nothing saved during it is missed.
                let monitor = SourceMonitor(siteDirectory: options.siteDirectory, polling: polling)
                let resident = ResidentBuild(options: options)
                let first = BuildRunner.run(verbose: verbose) { log in resident.build(log: log) }
                fflush(nil)  // every stream: `stdout` is not concurrency-safe to name
                continuation.resume(returning: first)
                if verbose {
                    BuildRunner.printError(monitor.usesInotify ? "Watching with inotify." : "Watching by polling every 250 ms.")
                }
                var unsaved = false
                while true {
                    switch monitor.next(timeout: unsaved ? 1 : nil) {
                    case .changed(let changed):
                        let report = BuildRunner.run(verbose: verbose) { log in resident.rebuild(changed: changed, log: log) }
                        fflush(nil)  // every stream: `stdout` is not concurrency-safe to name
                        rebuilt(report)
                        unsaved = true
                    case .quiet:
                        // The cache is for the next `lectern build`, not for this process: saved
                        // once edits pause, so it never delays the output of one.
                        do {
                            try resident.saveCache()
                        } catch {
                            BuildRunner.printError("warning: cannot save the build cache: \(error)")
                        }
                        unsaved = false
                    }
                }
            }
            thread.name = "lectern-watch"
            thread.start()
        }
    }
}
