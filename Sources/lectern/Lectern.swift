import ArgumentParser

/// `lectern`: build a course site from Markdown, check it, or start a new one.
@main
struct Lectern: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish and sell online courses: a static-site build plus small functions.",
        subcommands: [BuildCommand.self, CheckCommand.self, NewCommand.self, ServeCommand.self, MigrateCommand.self, LeadsCommand.self, UsersCommand.self, GrantCommand.self, RevokeCommand.self, ReportCommand.self, PaymentsCommand.self, RemoteCommand.self, ReleasesCommand.self, DeployCommand.self]
    )
}
