@testable import Deploy
import Foundation
import Testing

/// What `lectern deploy systemd` writes. systemd cannot run here, so the units are checked by
/// content and, where `systemd-analyze` exists, by `systemd-analyze verify`.
@Suite struct SystemdUnitsTests {
    static let systemdAnalyze = TestSupport.executable("/usr/bin/systemd-analyze", "/bin/systemd-analyze")

    func units(site: String = "/srv/site", functions: [String] = ["leads", "access"]) throws -> SystemdUnits {
        try SystemdUnits(siteDirectory: site, binDirectory: TestSupport.binDirectory, functions: functions, user: "lectern",
                         siteURL: "https://courses.example.com")
    }

    @Test func oneHardenedUnitPerFunctionOnTheSocketNginxProxiesTo() throws {
        let units = try units()
        let files = units.files()
        #expect(files.map(\.name) == ["lectern-leads.service", "lectern-access.service", "INSTALL.md"])
        let leads = units.unit(for: "leads")
        let lines = Set(leads.split(separator: "\n").map(String.init))
        for expected in [
            "ExecStart=\(TestSupport.binDirectory)/leads",
            "Environment=\"SOCKET_PATH=/srv/site/run/leads.sock\"",
            "Environment=\"LECTERN_PRIVATE_DIR=/srv/site/current/private\"",
            "Environment=\"DATABASE_URL=sqlite:///srv/site/data/lectern.sqlite\"",
            "Environment=\"LECTERN_ENV=production\"",
            "Environment=\"SITE_URL=https://courses.example.com\"",
            "EnvironmentFile=-/etc/lectern/env",
            "User=lectern", "Group=lectern", "WorkingDirectory=/srv/site",
            "Restart=on-failure", "UMask=0007",
            "NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/srv/site/data /srv/site/run",
            "ProtectHome=yes", "PrivateTmp=yes", "CapabilityBoundingSet=", "WantedBy=multi-user.target",
        ] {
            #expect(lines.contains(expected), "missing: \(expected)")
        }
        // The environment file comes after the defaults: systemd lets it override them.
        let defaults = try #require(leads.range(of: "Environment=\"DATABASE_URL"))
        let file = try #require(leads.range(of: "EnvironmentFile="))
        #expect(defaults.lowerBound < file.lowerBound)

        // The socket is the one the nginx site proxies to for the same deploy folder.
        let nginx = try FunctionUpstream.sockets(in: "/srv/site/run", functions: ["leads"])
        #expect(nginx.first?.address == "unix:/srv/site/run/leads.sock")
    }

    @Test func theInstructionsCreateTheFoldersAndEnableEveryUnit() throws {
        let note = try units().instructions()
        #expect(note.contains("useradd --system --create-home --shell /bin/sh lectern"))
        #expect(note.contains("install -d -o lectern -g www-data -m 2770 /srv/site/run"))
        #expect(note.contains("cp lectern-leads.service lectern-access.service /etc/systemd/system/"))
        #expect(note.contains("systemctl enable --now lectern-leads.service lectern-access.service"))
        #expect(note.contains("lectern remote init /srv/git/site.git --site-dir /srv/site"))
        #expect(note.contains("set -a; . /etc/lectern/env; set +a"))
    }

    @Test func aDeployFolderUnderHomeStaysVisible() throws {
        #expect(try units(site: "/home/lectern/site").unit(for: "leads").contains("\nProtectHome=read-only\n"))
    }

    @Test(.enabled(if: systemdAnalyze != nil)) func systemdAnalyzeVerifyAcceptsTheUnits() throws {
        let folder = try TestSupport.temporaryFolder("systemd")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let units = try units(functions: ["leads", "access"])
        for file in units.files() { try file.write(into: folder) }
        let verified = try TestSupport.run(Self.systemdAnalyze!, ["verify"] + units.functions.map { folder + "/" + units.unitName($0) })
        #expect(verified.status == 0, "\(verified.errors)")
        // Unknown or misspelt settings are only warnings: there must be none.
        #expect(verified.errors.isEmpty, "\(verified.errors)")
    }

    @Test(arguments: [
        ("--user", "root; rm", "--user 'root; rm': give a user or group name"),
        ("--site-dir", "srv/site", "--site-dir 'srv/site': give an absolute path"),
        ("--site-url", "courses.example.com", "--site-url 'courses.example.com': give the public URL"),
        ("--functions", "Leads", "--functions 'Leads': a function name is"),
    ])
    func valuesThatCannotGoIntoAUnitAreRefusedByName(option: String, value: String, message: String) throws {
        let error = try #require(throws: DeployError.self) {
            try SystemdUnits(siteDirectory: option == "--site-dir" ? value : "/srv/site", binDirectory: "/usr/local/bin",
                             functions: option == "--functions" ? [value] : ["leads"], user: option == "--user" ? value : "lectern",
                             siteURL: option == "--site-url" ? value : nil)
        }
        #expect(error.description.hasPrefix(message), "\(error)")
    }
}

/// The thin CLI over both generators: files written, errors on standard error with a failing exit.
@Suite struct DeployCommandTests {
    @Test func deploySystemdWritesTheUnitsAndDeployNginxTheSite() throws {
        let folder = try TestSupport.temporaryFolder("deploy-cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let systemd = try TestSupport.run(TestSupport.lectern, [
            "deploy", "systemd", "--site-dir", folder + "/site", "--user", "lectern", "--output-dir", folder + "/units",
        ])
        #expect(systemd.status == 0, "\(systemd.errors)")
        let written = try FileManager.default.contentsOfDirectory(atPath: folder + "/units")
        // Every function binary beside lectern gets a unit.
        #expect(Set(written).isSuperset(of: ["lectern-leads.service", "lectern-access.service", "INSTALL.md"]))

        try FileManager.default.createDirectory(atPath: folder + "/site/current/dist", withIntermediateDirectories: true)
        try "/*\n  X-Content-Type-Options: nosniff\n".write(toFile: folder + "/site/current/dist/_headers", atomically: true, encoding: .utf8)
        let nginx = try TestSupport.run(TestSupport.lectern, [
            "deploy", "nginx", "--site-dir", folder + "/site", "--server-name", "example.com", "--output", folder + "/site.conf",
        ])
        #expect(nginx.status == 0, "\(nginx.errors)")
        let text = try String(contentsOfFile: folder + "/site.conf", encoding: .utf8)
        #expect(text.contains("server unix:\(folder)/site/run/access.sock;"))
        #expect(text.contains("#   lectern deploy nginx --site-dir \(folder)/site --server-name example.com"))
    }

    @Test func aMistakeIsReportedOnStandardErrorWithAFailingExit() throws {
        let refused = try TestSupport.run(TestSupport.lectern, [
            "deploy", "nginx", "--site-dir", "/nonexistent/site", "--server-name", "example.com",
        ])
        #expect(refused.status != 0)
        #expect(refused.errors.hasPrefix("error: /nonexistent/site/current/dist/_headers: cannot be read. Publish a release first"))
        #expect(refused.text.isEmpty)
    }
}
