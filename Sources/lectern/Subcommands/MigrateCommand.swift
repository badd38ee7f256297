import ArgumentParser
import Foundation
import Accounts
import Learning
import LeadsFunction
import PaymentsFunction
import Store

/// Every function's migrations, in one place for `lectern migrate`.
enum FunctionMigrations {
    static let all: [MigrationSet] = [LeadsFunction.migrations] + PaymentsFunction.migrations
}

/// Flags for commands that open the store.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "The database (default: $DATABASE_URL, else sqlite://SITE/.lectern/lectern.sqlite).")
    var databaseURL: String?

    @Option(name: .customLong("site"), help: "The site folder.")
    var siteDirectory: String = "."

    func open() async throws -> Store {
        let site = siteDirectory.hasPrefix("/") ? siteDirectory : FileManager.default.currentDirectoryPath + "/" + siteDirectory
        let text = databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "sqlite://\(site)/.lectern/lectern.sqlite"
        do {
            return try await Store.open(try DatabaseURL(text))
        } catch {
            throw ValidationError(String(describing: error))
        }
    }
}

/// `lectern migrate`: apply pending migrations of every function (functions also do this
/// themselves before they listen).
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending database migrations (SQLite file or PostgreSQL).")

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "List applied migrations instead of applying.")
    var status = false

    func run() async throws {
        let store = try await database.open()
        defer { Task { await store.close() } }
        let migrator = Migrator(store: store)
        if status {
            for migration in try await migrator.applied() {
                print("\(migration.owner) #\(migration.version) \(migration.name)")
            }
            return
        }
        do {
            let applied = try await migrator.migrate(FunctionMigrations.all)
            for migration in applied { print("applied \(migration.owner) #\(migration.version) \(migration.name)") }
            print(applied.isEmpty ? "\(store.location): up to date" : "\(store.location): \(applied.count) applied")
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        await store.close()
    }
}

/// `lectern leads export`: the newsletter and contact sign-ups as CSV.
struct LeadsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leads", abstract: "Work with leads from the site's forms.", subcommands: [Export.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write every lead as CSV (stdout or --output).")

        @OptionGroup var database: DatabaseOptions

        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
        var output: String?

        func run() async throws {
            let store = try await database.open()
            try await Migrator(store: store).migrate([LeadsFunction.migrations])
            let leads = try await LeadsFunction.allLeads(in: store)
            await store.close()
            let csv = LeadsFunction.csv(leads)
            if let output {
                try Data(csv.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                FileHandle.standardError.write(Data("wrote \(leads.count) leads to \(output)\n".utf8))
            } else {
                FileHandle.standardOutput.write(Data(csv.utf8))
            }
        }
    }
}
