import Foundation

/// The nginx site for one deploy folder (`lectern deploy nginx`): the live release's `dist/`
/// served directly, the `_headers` rules, precompressed files, pretty URLs and the 404 page,
/// `/api/<function>` proxied to each function's socket, and paid lessons gated with
/// `auth_request` to the access function.
///
/// Nothing in it names a release: every path goes through the `current` symlink, which a
/// publish or rollback replaces atomically, and nginx resolves it on each request (no open-file
/// cache), so a switch needs no reload and a response comes wholly from one release.
public struct NginxSite: Sendable {
    /// The deploy folder (`releases/`, `current`), as given to `lectern remote init --site-dir`.
    public let siteDirectory: String
    public let serverNames: [String]
    /// The `listen` argument: `80`, `127.0.0.1:8080`…
    public let listen: String
    public let upstreams: [FunctionUpstream]
    /// `brotli_static on` — only when nginx has the brotli module (Debian:
    /// `libnginx-mod-http-brotli-static`), or nginx refuses the whole file.
    public let brotliStatic: Bool
    /// The function `auth_request` asks (`GET /api/<name>/check`); without it nothing is gated
    /// and a paid lesson's teaser is all anyone gets.
    public let accessFunction = "access"
    let headers: HeadersFile
    /// Where the `_headers` rules were read, for the file's comment.
    let headersPath: String
    /// The build's `_redirects` rules (200 rewrites and redirects), read beside `_headers`.
    let redirects: [RedirectRule]

    /// - Parameters:
    ///   - headersFile: the build's `_headers`; by default the live release's.
    /// - Throws: `DeployError` naming the option, or the `_headers` file and line, at fault.
    public init(siteDirectory: String, serverNames: [String], listen: String = "80", upstreams: [FunctionUpstream],
                headersFile: String? = nil, brotliStatic: Bool = false) throws {
        let site = try ConfigValue.path(siteDirectory, option: "--site-dir")
        let headersPath = try headersFile.map { try ConfigValue.path($0, option: "--headers") } ?? site + "/current/dist/_headers"
        guard let text = try? String(contentsOfFile: headersPath, encoding: .utf8) else {
            throw DeployError.headersUnreadable(headersPath)
        }
        guard !serverNames.isEmpty else { throw DeployError.unsafe("--server-name", "", "name the site's host, e.g. example.com") }
        self.siteDirectory = site
        self.serverNames = try serverNames.map(ConfigValue.serverName)
        self.listen = try ConfigValue.listen(listen)
        var seen = Set<String>()
        for upstream in upstreams where !seen.insert(upstream.name).inserted {
            throw DeployError.unsafe("--upstream", upstream.name, "this function is named twice")
        }
        self.upstreams = upstreams
        self.brotliStatic = brotliStatic
        self.headers = try HeadersFile(text: text, path: headersPath)
        self.headersPath = headersPath
        let redirectsPath = (headersPath as NSString).deletingLastPathComponent + "/_redirects"
        self.redirects = RedirectRule.parse((try? String(contentsOfFile: redirectsPath, encoding: .utf8)) ?? "")
    }

    /// Whether this machine's nginx loads the brotli module (Debian enables a module with a
    /// file in `modules-enabled/`).
    public static func hasBrotliModule(modulesEnabled: String = "/etc/nginx/modules-enabled") -> Bool {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: modulesEnabled)) ?? []
        return names.contains { $0.contains("brotli") }
    }

    /// The configuration: `map`s and `upstream`s, then the `server` block; written for the
    /// `http` context (Debian: `/etc/nginx/sites-available/`).
    public func render(command: String? = nil) -> String {
        var out = ConfigWriter()
        out.comment("Written by `lectern deploy nginx` for \(serverNames.joined(separator: " ")). Regenerate it rather than editing it:")
        out.comment("  " + (command ?? "lectern deploy nginx --site-dir \(siteDirectory) --server-name \(serverNames[0])"))
        out.comment("The live release is \(siteDirectory)/current (a symlink `git push` and `lectern releases rollback`",
                    "replace atomically): nginx follows it on every request, so a switch needs no reload.")
        out.line()
        writeHeaderMaps(&out)
        writeUpstreams(&out)
        out.block("server") { server in
            server.line("listen \(listen);")
            server.line("server_name \(serverNames.joined(separator: " "));")
            server.line()
            server.line("root \(dist);")
            server.line("index index.html;")
            server.line("charset utf-8;")
            server.line("charset_types \(Self.textTypes);")
            server.comment("`current` is a symlink: follow it, and never cache what it resolved to.")
            server.line("disable_symlinks off;")
            server.line("open_file_cache off;")
            server.line("absolute_redirect off;")
            server.line("server_tokens off;")
            server.line("error_page 404 /404.html;")
            server.line()
            server.comment("A file.gz (or file.br) beside a file is sent as is; other text is compressed on the fly.")
            server.line("gzip on;")
            server.line("gzip_static on;")
            server.line("gzip_vary on;")
            server.line("gzip_min_length 256;")
            server.line("gzip_types \(Self.textTypes);")
            if brotliStatic { server.line("brotli_static on;") }
            server.line()
            writeStaticLocations(&server)
            if let access = upstreams.first(where: { $0.name == accessFunction }) {
                writeGate(&server, access: access)
            }
            writeFunctionLocations(&server)
        }
        return out.text
    }

    /// The folders every request reaches through `current`.
    var dist: String { siteDirectory + "/current/dist" }
    var privateOutput: String { siteDirectory + "/current/private" }

    /// The prefix of this site's map variables: unique per server name, so two sites on one
    /// host do not collide, and short, because nginx's variable hash has 64-byte buckets.
    var variablePrefix: String { "lectern_" + ConfigValue.shortHash(serverNames[0]) }

    /// This site's upstream for `function` (upstream names are not hashed: readable is fine).
    func upstreamName(_ function: String) -> String {
        "lectern_" + ConfigValue.identifier(serverNames[0]) + "_" + ConfigValue.identifier(function)
    }

    static let textTypes = "text/css text/plain text/xml application/javascript application/json application/xml "
        + "application/atom+xml application/rss+xml image/svg+xml application/manifest+json"
}
