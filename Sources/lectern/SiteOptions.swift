import ArgumentParser
import Foundation
import SiteBuild

/// Flags shared by the commands that read a site.
struct SiteOptions: ParsableArguments {
    @Option(name: .customLong("site"), help: "The site folder (holding content/ and layouts/).")
    var siteDirectory: String = "."

    @Flag(help: "Include pages marked `draft: true`.")
    var drafts = false

    @Option(help: "Override base_url from content/site.yaml (e.g. http://localhost:8080).")
    var baseURL: String?

    @Flag(name: .shortAndLong, help: "Print each build step as it runs.")
    var verbose = false

    /// The site folder as an absolute path.
    var absoluteSite: String {
        siteDirectory.hasPrefix("/")
            ? siteDirectory : FileManager.default.currentDirectoryPath + "/" + siteDirectory
    }

    func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
