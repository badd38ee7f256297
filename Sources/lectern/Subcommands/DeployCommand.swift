import ArgumentParser
import Deploy
import Foundation

/// `lectern deploy nginx|systemd`: the production files for one host.
struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy", abstract: "Write the nginx site and the systemd units that run a deploy folder on one host.",
        subcommands: [Nginx.self, Systemd.self])

    /// `lectern deploy nginx`: the `server {}` for the live release and its functions.
    struct Nginx: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "An nginx site serving SITE-DIR/current/dist, proxying /api/<function>/ and gating paid lessons.")

        @Option(help: "The deploy folder (as given to `lectern remote init --site-dir`).")
        var siteDir: String

        @Option(help: "The site's host name (repeat for more).")
        var serverName: [String]

        @Option(help: "What nginx listens on: a port or address:port.")
        var listen = "80"

        @Option(help: "The folder of the functions' sockets, <name>.sock (default: SITE-DIR/run).")
        var functionsSocketDir: String?

        @Option(help: "A function's address, NAME=unix:/path.sock or NAME=HOST:PORT (repeatable; replaces that function's socket).")
        var upstream: [String] = []

        @Option(help: "Comma-separated functions to proxy (default: the function binaries beside lectern).")
        var functions: String?

        @Option(help: "The build's _headers file (default: SITE-DIR/current/dist/_headers).")
        var headers: String?

        @Option(help: "brotli_static for .br files: auto (when nginx loads the brotli module), on or off.")
        var brotli: BrotliChoice = .auto

        @Option(name: .shortAndLong, help: "Write the configuration here instead of standard output.")
        var output: String?

        func run() async throws {
            try reportingDeployErrors {
                let site = absolute(siteDir)
                let overrides = try upstream.map(FunctionUpstream.init(parsing:))
                var upstreams = overrides
                if functionsSocketDir != nil || functions != nil || overrides.isEmpty {
                    let names = functions.map(list) ?? FunctionBinaries.found(in: binDirectory())
                    let sockets = try FunctionUpstream.sockets(in: absolute(functionsSocketDir ?? site + "/run"), functions: names)
                    upstreams = FunctionUpstream.merging(sockets, overrides: overrides)
                }
                let nginx = try NginxSite(
                    siteDirectory: site, serverNames: serverName, listen: listen, upstreams: upstreams,
                    headersFile: headers.map(absolute), brotliStatic: brotli.enabled)
                let text = nginx.render(command: commandLine())
                guard let output else { return print(text, terminator: "") }
                try GeneratedFile(name: (output as NSString).lastPathComponent, contents: text)
                    .write(into: (absolute(output) as NSString).deletingLastPathComponent)
                print("Wrote \(output). Check and load it: nginx -t && systemctl reload nginx")
            }
        }
    }

    /// `lectern deploy systemd`: one unit per function and the commands to enable them.
    struct Systemd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "systemd units for the function processes (lectern-<function>.service) and INSTALL.md.")

        @Option(help: "The deploy folder (as given to `lectern remote init --site-dir`).")
        var siteDir: String

        @Option(help: "The account that runs the functions (and owns the deploy folder).")
        var user: String

        @Option(help: "Its group (default: the user's name).")
        var group: String?

        @Option(help: "Settings and secrets read after the units' defaults (DATABASE_URL, AUTH_SECRET…).")
        var envFile = "/etc/lectern/env"

        @Option(help: "The public URL, for links in emails (or set SITE_URL in the env file).")
        var siteURL: String?

        @Option(help: "nginx's group, which must reach the sockets.")
        var webServerGroup = "www-data"

        @Option(help: "Where the function binaries are installed (default: beside lectern).")
        var binDir: String?

        @Option(help: "Comma-separated functions (default: the function binaries beside lectern).")
        var functions: String?

        @Option(help: "Where to write the units and INSTALL.md.")
        var outputDir = "lectern-systemd"

        func run() async throws {
            try reportingDeployErrors {
                let bin = binDir.map(absolute) ?? binDirectory()
                let units = try SystemdUnits(
                    siteDirectory: absolute(siteDir), binDirectory: bin,
                    functions: functions.map(list) ?? FunctionBinaries.found(in: bin),
                    user: user, group: group, environmentFile: envFile, webServerGroup: webServerGroup, siteURL: siteURL)
                let folder = absolute(outputDir)
                for file in units.files() {
                    try file.write(into: folder)
                    print(folder + "/" + file.name)
                }
                print("Next: the commands in \(folder)/INSTALL.md (as root).")
            }
        }
    }

    enum BrotliChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, on, off

        var enabled: Bool {
            switch self {
            case .auto: NginxSite.hasBrotliModule()
            case .on: true
            case .off: false
            }
        }
    }
}

/// Runs `body`; a `DeployError` becomes `error: …` on standard error and a failing exit.
private func reportingDeployErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as DeployError {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode.failure
    }
}

/// The folder of the running `lectern`, where one build puts the function binaries too.
private func binDirectory() -> String {
    let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
    return executable.resolvingSymlinksInPath().deletingLastPathComponent().path
}

/// This invocation, for the generated file's comment (nothing that could end the comment).
private func commandLine() -> String? {
    let words = ["lectern"] + CommandLine.arguments.dropFirst()
    guard words.allSatisfy({ !$0.contains(where: \.isNewline) }) else { return nil }
    return words.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
}

private func list(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

private func absolute(_ path: String) -> String {
    URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
}
