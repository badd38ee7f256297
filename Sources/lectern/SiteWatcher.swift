import Foundation
import Router
import SiteBuild

/// `serve --watch`: polls the site's sources and rebuilds (incrementally) after a change.
///
/// Polling a few hundred files every quarter second costs microseconds and works the same on
/// every file system (network mounts and containers included), which inotify does not.
struct SiteWatcher {
    let options: BuildOptions
    let verbose: Bool
    let interval: Duration = .milliseconds(250)

    func run(reload: LiveReload) async {
        var last = signature()
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let current = signature()
            guard current != last else { continue }
            last = current
            let report = BuildRunner.run(SiteBuilder(options: options), steps: BuildPipeline.build, verbose: verbose)
            if report.succeeded {
                reload.buildSucceeded()
            } else {
                reload.buildFailed(report.errors.map(\.description).joined(separator: "\n"))
            }
        }
    }

    /// Path, size and modification time of every source file.
    func signature() -> [String: String] {
        var result: [String: String] = [:]
        for folder in ["content", "layouts", "static"] {
            let root = options.siteDirectory + "/" + folder
            guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
            while let relative = walker.nextObject() as? String {
                var info = stat()
                guard stat(root + "/" + relative, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
                result[folder + "/" + relative] = "\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
            }
        }
        return result
    }
}
