/// The systemd units for one deploy folder's functions (`lectern deploy systemd`): one
/// `lectern-<function>.service` each, listening on `<site>/run/<function>.sock` (where the
/// nginx site proxies), and `INSTALL.md`, the commands that put them to work.
public struct SystemdUnits: Sendable {
    /// The deploy folder (`releases/`, `current`, `data/`, `run/`).
    public let siteDirectory: String
    /// Where the function binaries are (one `swift build` makes them beside `lectern`).
    public let binDirectory: String
    public let functions: [String]
    /// The account the functions run as; it owns the deploy folder and receives the pushes.
    public let user: String
    public let group: String
    /// Read after the unit's own settings, so it can override them (`DATABASE_URL`, secrets).
    public let environmentFile: String
    /// nginx's group: it must be able to connect to the sockets.
    public let webServerGroup: String
    public let siteURL: String?

    /// - Throws: `DeployError` naming the option whose value cannot go into a unit file.
    public init(siteDirectory: String, binDirectory: String, functions: [String], user: String, group: String? = nil,
                environmentFile: String = "/etc/lectern/env", webServerGroup: String = "www-data", siteURL: String? = nil) throws {
        self.siteDirectory = try ConfigValue.path(siteDirectory, option: "--site-dir")
        self.binDirectory = try ConfigValue.path(binDirectory, option: "--bin-dir")
        self.functions = try functions.map { try ConfigValue.functionName($0, option: "--functions") }
        self.user = try ConfigValue.account(user, option: "--user")
        self.group = try ConfigValue.account(group ?? user, option: "--group")
        self.environmentFile = try ConfigValue.path(environmentFile, option: "--env-file")
        self.webServerGroup = try ConfigValue.account(webServerGroup, option: "--web-server-group")
        if let siteURL {
            guard siteURL.hasPrefix("https://") || siteURL.hasPrefix("http://"),
                  siteURL.allSatisfy({ $0.isASCII && !$0.isWhitespace && !"\"'\\%$".contains($0) }) else {
                throw DeployError.unsafe("--site-url", siteURL, "give the public URL, such as https://courses.example.com")
            }
        }
        self.siteURL = siteURL
    }

    public var socketDirectory: String { siteDirectory + "/run" }
    public var dataDirectory: String { siteDirectory + "/data" }

    public func unitName(_ function: String) -> String { "lectern-\(function).service" }

    /// The units, then `INSTALL.md`.
    public func files() -> [GeneratedFile] {
        functions.map { GeneratedFile(name: unitName($0), contents: unit(for: $0)) }
            + [GeneratedFile(name: "INSTALL.md", contents: instructions())]
    }

    /// One function's unit. Environment= lines are defaults; the environment file, read after
    /// them, wins (systemd's rule), so PostgreSQL and secrets live there.
    public func unit(for function: String) -> String {
        var environment = [
            "LECTERN_ENV=production",
            "SOCKET_PATH=\(socketDirectory)/\(function).sock",
            "LECTERN_PRIVATE_DIR=\(siteDirectory)/current/private",
            // The database `lectern remote receive` migrates before each release goes live.
            "DATABASE_URL=sqlite://\(dataDirectory)/lectern.sqlite",
        ]
        if let siteURL { environment.append("SITE_URL=\(siteURL)") }
        // Under /home or /root, ProtectHome=yes would hide the deploy folder itself.
        let underHome = ["/home/", "/root/"].contains { siteDirectory.hasPrefix($0) || siteDirectory + "/" == $0 }
        return """
            # Written by `lectern deploy systemd`: the \(function) function of the site in \(siteDirectory).
            # Regenerate it rather than editing it; settings of your own go in \(environmentFile).
            [Unit]
            Description=Lectern function \(function) (\(siteDirectory))
            After=network-online.target
            Wants=network-online.target

            [Service]
            Type=simple
            User=\(user)
            Group=\(group)
            WorkingDirectory=\(siteDirectory)
            ExecStart=\(binDirectory)/\(function)
            \(environment.map { "Environment=\"\($0)\"" }.joined(separator: "\n"))
            EnvironmentFile=-\(environmentFile)
            # The socket is created 0660 in run/, a setgid folder of nginx's group (see INSTALL.md).
            UMask=0007
            Restart=on-failure
            RestartSec=1s
            # SIGTERM: the function stops taking requests and finishes those in flight.
            KillSignal=SIGTERM
            TimeoutStopSec=30s

            # Hardening: a read-only system, writable only where the function keeps its data and socket.
            NoNewPrivileges=yes
            ProtectSystem=strict
            ReadWritePaths=\(dataDirectory) \(socketDirectory)
            ProtectHome=\(underHome ? "read-only" : "yes")
            PrivateTmp=yes
            PrivateDevices=yes
            ProtectKernelTunables=yes
            ProtectKernelModules=yes
            ProtectKernelLogs=yes
            ProtectControlGroups=yes
            ProtectClock=yes
            ProtectHostname=yes
            RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
            RestrictNamespaces=yes
            RestrictRealtime=yes
            RestrictSUIDSGID=yes
            LockPersonality=yes
            SystemCallArchitectures=native
            CapabilityBoundingSet=

            [Install]
            WantedBy=multi-user.target

            """
    }

    /// The commands that install the units, as root, in order.
    public func instructions() -> String {
        let units = functions.map(unitName).joined(separator: " ")
        return """
            # Installing the Lectern functions of \(siteDirectory)

            Written by `lectern deploy systemd` beside \(functions.count == 1 ? "its unit" : "the \(functions.count) units") \
            (\(units)). Run as root:

            ```sh
            # The account that owns the deploy folder, receives the pushes and runs the functions.
            id \(user) >/dev/null 2>&1 || useradd --system --create-home --shell /bin/sh \(user)
            install -d -o \(user) -g \(group) -m 0755 \(siteDirectory) \(siteDirectory)/releases
            install -d -o \(user) -g \(group) -m 0750 \(dataDirectory)
            # Sockets: nginx (group \(webServerGroup)) connects; setgid so each socket gets that group.
            install -d -o \(user) -g \(webServerGroup) -m 2770 \(socketDirectory)

            # Settings and secrets (read after the units' defaults, so they win): DATABASE_URL for
            # PostgreSQL, SITE_URL, AUTH_SECRET, SMTP_URL and MAIL_FROM for the auth function…
            install -d -m 0755 \(parent(of: environmentFile))
            touch \(environmentFile) && chown root:\(group) \(environmentFile) && chmod 0640 \(environmentFile)

            cp \(units) /etc/systemd/system/
            systemctl daemon-reload
            systemctl enable --now \(units)
            systemctl status \(units)
            ```

            Publishing by `git push`:

            ```sh
            install -d -o \(user) -g \(group) /srv/git
            sudo -u \(user) \(binDirectory)/lectern remote init /srv/git/site.git --site-dir \(siteDirectory)
            ```

            Authors push to `\(user)@<host>:/srv/git/site.git`; each push builds, migrates and switches `current`,
            and the functions read the new release's manifest without a restart. The hook migrates the database in
            *its* environment: if \(environmentFile) sets DATABASE_URL, add `set -a; . \(environmentFile); set +a`
            as the second line of /srv/git/site.git/hooks/pre-receive.

            After upgrading the binaries in \(binDirectory): `systemctl restart \(units)`.

            Logs: `journalctl -u 'lectern-*' -f` (JSON lines: LECTERN_ENV=production).

            """
    }

    private func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
