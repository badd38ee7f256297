import ArgumentParser
import SiteBuild

/// `lectern new DIR`: a working new site with a sample course, built on the default theme.
struct NewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new", abstract: "Create a new site with a sample course in DIR.")

    @Argument(help: "The folder to create (must not exist or be empty).")
    var directory: String

    @Option(help: "The site's title.")
    var title: String = "My Course Site"

    func run() async throws {
        do {
            let created = try SiteScaffold(title: title).create(at: directory)
            print("Created \(created.count) files in \(directory). Next: cd \(directory) && lectern build")
        } catch let error as SiteScaffold.Failure {
            throw ValidationError(error.description)
        }
    }
}
