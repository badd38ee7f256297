import ArgumentParser
import Foundation
import Publish
import Store

/// `lectern remote`: a git remote that publishes what is pushed to it.
struct RemoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remote", abstract: "A git remote whose pushes build and publish the site.",
        subcommands: [Init.self, Receive.self])

    /// `lectern remote init PATH --site-dir DIR`: a bare repository with the publishing hook.
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a bare repository whose pushes to BRANCH go live under DIR (others become previews).")

        @Argument(help: "Where to create the bare repository.")
        var path: String

        @Option(help: "The deploy folder: releases/, current, previews/.")
        var siteDir: String

        @Option(help: "The branch that publishes.")
        var branch = "main"

        @Option(help: "How many releases to keep for rollback.")
        var keep = 10

        func run() async throws {
            let repository = absolute(path)
            let deploy = absolute(siteDir)
            if !FileManager.default.fileExists(atPath: repository + "/HEAD") {
                try PushReceiver.git(["init", "--bare", "--quiet", "--initial-branch=\(branch)", repository],
                                     environment: ProcessInfo.processInfo.environment)
            }
            try FileManager.default.createDirectory(atPath: deploy + "/releases", withIntermediateDirectories: true)
            let lectern = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
            let hook = """
                #!/bin/sh
                # Written by `lectern remote init`: builds every push; a build error refuses it.
                exec \(quote(lectern)) remote receive --site-dir \(quote(deploy)) --branch \(quote(branch)) --keep \(keep)

                """
            let hookPath = repository + "/hooks/pre-receive"
            try hook.write(toFile: hookPath, atomically: true, encoding: .utf8)
            chmod(hookPath, 0o755)
            print("Publishing remote at \(repository): pushes to `\(branch)` go live in \(deploy)/current")
            print("  git remote add live \(repository) && git push live \(branch)")
        }
    }

    /// What the hook runs: reads git's `old new ref` lines from standard input.
    struct Receive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build and publish a push (run by the pre-receive hook).", shouldDisplay: false)

        @Option var siteDir: String
        @Option var branch = "main"
        @Option var keep = 10

        func run() async throws {
            let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            let deploy = absolute(siteDir)
            let store = ReleaseStore(root: deploy)
            let environment = ProcessInfo.processInfo.environment
            let databaseURL = environment["DATABASE_URL"] ?? "sqlite://\(deploy)/data/lectern.sqlite"
            let receiver = PushReceiver(store: store, branch: branch, keep: keep, beforeSwitch: {
                let database = try await Store.open(try DatabaseURL(databaseURL))
                do {
                    try await Migrator(store: database).migrate(FunctionMigrations.all)
                    await database.close()
                } catch {
                    await database.close()
                    throw error
                }
            }, say: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) })
            let accepted = try await store.withLockAsync {
                await receiver.receive(PushReceiver.updates(from: input))
            }
            if !accepted { throw ExitCode.failure }
        }
    }
}

/// `lectern releases list|rollback`.
struct ReleasesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "releases", abstract: "List the published releases or switch back to one.",
        subcommands: [List.self, Rollback.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Releases, newest first (* marks the live one).")
        @Option(help: "The deploy folder.") var siteDir: String

        func run() async throws {
            let store = ReleaseStore(root: absolute(siteDir))
            let live = store.current()
            let formatter = ISO8601DateFormatter()
            for release in store.releases() {
                let mark = release.commit == live ? "*" : " "
                print("\(mark) \(release.commit.prefix(12))  \(formatter.string(from: release.time))  \(release.author)  "
                    + "\(release.pages) pages  \(String(format: "%.2f", release.buildSeconds)) s  \(release.message)")
            }
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make an earlier release live (default: the one before the live one).")
        @Option(help: "The deploy folder.") var siteDir: String
        @Argument(help: "The commit (or its prefix) to go back to.") var commit: String?

        func run() async throws {
            let store = ReleaseStore(root: absolute(siteDir))
            do {
                let release = try store.withLock { try store.rollback(to: commit) }
                print("live: \(release.commit.prefix(12)) \(release.message)")
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }
}

private func absolute(_ path: String) -> String {
    URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
}

private func quote(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
