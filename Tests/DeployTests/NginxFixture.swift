import Deploy
import Foundation

/// A deploy folder as `lectern remote init` lays it out — two releases of the demo site (built
/// by the real `lectern`, differing by a marker on the about page) and `current` — the real
/// `leads` and `access` binaries on their sockets in `run/`, and Debian's nginx running the
/// generated site on a free port, as an unprivileged child process.
final class NginxFixture {
    let root: String
    let port: Int
    private let nginx: Process
    private var functions: [String: Process]

    var deploy: String { root + "/deploy" }
    var database: String { "sqlite://\(root)/data/lectern.sqlite" }
    static let releases = ["A", "B"]
    /// The site the functions believe they serve: http://localhost, so the session cookie is
    /// `lectern_session` (no `Secure` over plain HTTP on loopback).
    static let siteURL = "http://localhost"

    static var nginxBinary: String? { TestSupport.executable("/usr/sbin/nginx", "/usr/bin/nginx") }

    private init(root: String, port: Int, nginx: Process, functions: [String: Process]) {
        self.root = root
        self.port = port
        self.nginx = nginx
        self.functions = functions
    }

    /// Builds the releases, starts the functions and nginx, and returns once all answer.
    static func start() async throws -> NginxFixture {
        guard let nginxBinary else { throw TestSupport.Failure("nginx is not installed: apt-get install -y nginx (make test-deps)") }
        let root = try TestSupport.temporaryFolder("nginx")
        var functions: [String: Process] = [:]
        do {
            try buildReleases(in: root)
            try activate("A", in: root + "/deploy")
            for name in ["leads", "access"] {
                functions[name] = try await startFunction(name, root: root)
            }
            let (nginx, port) = try await startNginx(nginxBinary, root: root)
            return NginxFixture(root: root, port: port, nginx: nginx, functions: functions)
        } catch {
            functions.values.forEach(TestSupport.stop)
            let logs = (try? FileManager.default.contentsOfDirectory(atPath: root + "/logs")) ?? []
            let tails = logs.map { "\($0): " + ((try? String(contentsOfFile: root + "/logs/" + $0, encoding: .utf8)) ?? "").suffix(600) }
            try? FileManager.default.removeItem(atPath: root)
            throw TestSupport.Failure("\(error)\n" + tails.joined(separator: "\n"))
        }
    }

    /// Stops nginx and the functions and removes the folder.
    func stop() {
        TestSupport.stop(nginx)
        functions.values.forEach(TestSupport.stop)
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Stops one function (to see what nginx does without it).
    func stopFunction(_ name: String) {
        functions.removeValue(forKey: name).map(TestSupport.stop)
    }

    func fetch(_ path: String, method: String = "GET", headers: [String: String] = [:], body: String? = nil) throws -> HTTPReply {
        try HTTPReply.fetch(port: port, path, method: method, headers: headers, body: body)
    }

    /// A file of the release `name`.
    func file(_ release: String, _ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: deploy + "/releases/\(release)/" + path))
    }

    /// The URL of the first lesson in the manifest with `access` (and, for `paid`, a private page).
    func lessonURL(access: String) throws -> String {
        let data = try file("A", "private/manifest.json")
        let manifest = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let courses = manifest?["courses"] as? [[String: Any]] ?? []
        let lessons = courses.flatMap { ($0["modules"] as? [[String: Any]] ?? []).flatMap { $0["lessons"] as? [[String: Any]] ?? [] } }
        guard let url = lessons.first(where: { $0["access"] as? String == access })?["url"] as? String else {
            throw TestSupport.Failure("no \(access) lesson in the demo site's manifest")
        }
        return url
    }

    /// Makes `release` live the way `ReleaseStore.activate` does: a new symlink renamed over `current`.
    static func activate(_ release: String, in deploy: String) throws {
        let temporary = deploy + "/.current-\(UUID().uuidString.prefix(8))"
        guard symlink("releases/" + release, temporary) == 0, rename(temporary, deploy + "/current") == 0 else {
            throw TestSupport.Failure("cannot switch \(deploy)/current: errno \(errno)")
        }
    }

    func activate(_ release: String) throws {
        try Self.activate(release, in: deploy)
    }

    // MARK: - Start-up

    /// `lectern build` of a copy of the demo site, once per release, into `deploy/releases/<name>`.
    private static func buildReleases(in root: String) throws {
        let site = root + "/site"
        try FileManager.default.createDirectory(atPath: site, withIntermediateDirectories: true)
        for folder in ["content", "static"] {
            try FileManager.default.copyItem(atPath: TestSupport.repositoryRoot + "/" + folder, toPath: site + "/" + folder)
        }
        let about = site + "/content/about.md"
        let original = try String(contentsOfFile: about, encoding: .utf8)
        for release in releases {
            try (original + "\nMARKER-\(release)\n").write(toFile: about, atomically: true, encoding: .utf8)
            let folder = root + "/deploy/releases/" + release
            let built = try TestSupport.run(TestSupport.lectern, [
                "build", "--site", site, "--output", folder + "/dist", "--private-output", folder + "/private", "--clean",
            ])
            guard built.status == 0 else { throw TestSupport.Failure("lectern build: \(built.errors)\(built.text)") }
        }
        for folder in ["run", "data", "logs", "nginx"] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
    }

    /// A function binary on `run/<name>.sock`, as its systemd unit runs it; ready when `/healthz` answers.
    private static func startFunction(_ name: String, root: String) async throws -> Process {
        let socket = root + "/run/\(name).sock"
        let environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "LECTERN_ENV": "production", "SOCKET_PATH": socket, "DATABASE_URL": "sqlite://\(root)/data/lectern.sqlite",
            "LECTERN_PRIVATE_DIR": root + "/deploy/current/private", "LECTERN_RATE_LIMIT": "off",
            "SITE_URL": NginxFixture.siteURL, "AUTH_SECRET": String(repeating: "deploy-test-secret-", count: 3),
        ]
        let process = try TestSupport.start(TestSupport.binDirectory + "/" + name, [], environment: environment,
                                            log: root + "/logs/\(name).log")
        try await TestSupport.waitUntil("\(name) /healthz", alive: { process.isRunning }) {
            try FileManager.default.fileExists(atPath: socket) && HTTPReply.fetch(socket: socket, "/healthz").status == 200
        }
        return process
    }

    /// nginx with a minimal top-level configuration that includes the generated site; on a
    /// free port (another if that one is taken by the time nginx binds it).
    private static func startNginx(_ binary: String, root: String) async throws -> (Process, Int) {
        var lastError: any Error = TestSupport.Failure("nginx did not start")
        for _ in 0..<3 {
            let port = try TestSupport.freePort()
            let site = try NginxSite(
                siteDirectory: root + "/deploy", serverNames: ["lectern.test"], listen: "127.0.0.1:\(port)",
                upstreams: try FunctionUpstream.sockets(in: root + "/run", functions: ["leads", "access"]))
            let prefix = root + "/nginx"
            try site.render().write(toFile: prefix + "/site.conf", atomically: true, encoding: .utf8)
            try mainConfiguration(prefix: prefix).write(toFile: prefix + "/nginx.conf", atomically: true, encoding: .utf8)
            let process = try TestSupport.start(binary, [
                "-p", prefix, "-c", prefix + "/nginx.conf", "-g", "daemon off; pid \(prefix)/nginx.pid; error_log stderr;",
            ], environment: [:], log: root + "/logs/nginx.log")
            do {
                try await TestSupport.waitUntil("nginx", alive: { process.isRunning }) {
                    try HTTPReply.fetch(port: port, "/").status == 200
                }
                return (process, port)
            } catch {
                TestSupport.stop(process)
                lastError = error
            }
        }
        throw lastError
    }

    /// What `/etc/nginx/nginx.conf` would hold, cut down: temp folders inside the prefix, an
    /// access log of request ids (to follow one request into a function), the site included.
    private static func mainConfiguration(prefix: String) -> String {
        """
        \(getuid() == 0 ? "user root;" : "")
        worker_processes 2;
        events { worker_connections 512; }
        http {
            include /etc/nginx/mime.types;
            default_type application/octet-stream;
            log_format ids '$request_id $status $request_uri';
            access_log \(prefix)/access.log ids;
            client_body_temp_path \(prefix)/body;
            proxy_temp_path \(prefix)/proxy;
            fastcgi_temp_path \(prefix)/fastcgi;
            uwsgi_temp_path \(prefix)/uwsgi;
            scgi_temp_path \(prefix)/scgi;
            include \(prefix)/site.conf;
        }

        """
    }
}
