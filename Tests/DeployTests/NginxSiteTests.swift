@testable import Deploy
import Foundation
import Testing

/// What `lectern deploy nginx` writes, and the mistakes it refuses.
@Suite struct NginxSiteTests {
    static let buildHeaders = """
        /assets/*
          Cache-Control: public, max-age=31536000, immutable

        /*
          X-Content-Type-Options: nosniff
          Referrer-Policy: strict-origin-when-cross-origin

        """

    /// A site whose `_headers` holds `headers`, in a fresh folder.
    func site(headers: String = buildHeaders, upstreams: [String] = ["leads", "access"], brotli: Bool = false) throws -> (NginxSite, String) {
        let folder = try TestSupport.temporaryFolder("nginx-site")
        do {
            try FileManager.default.createDirectory(atPath: folder + "/current/dist", withIntermediateDirectories: true)
            try headers.write(toFile: folder + "/current/dist/_headers", atomically: true, encoding: .utf8)
            let site = try NginxSite(siteDirectory: folder, serverNames: ["courses.example.com"], listen: "80",
                                     upstreams: try FunctionUpstream.sockets(in: folder + "/run", functions: upstreams), brotliStatic: brotli)
            return (site, folder)
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        }
    }

    @Test func theHeadersRulesBecomeOneMapPerHeaderInFileOrder() throws {
        let (site, folder) = try site(headers: """
            /assets/*
              Cache-Control: public, max-age=31536000, immutable
              X-Frame-Options: DENY
            /about/
              X-Frame-Options: SAMEORIGIN
            /*
              X-Frame-Options: ALLOW
            """)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let text = site.render()
        let prefix = "lectern_" + ConfigValue.shortHash("courses.example.com")
        #expect(text.contains("""
            # X-Frame-Options
            map $request_uri $\(prefix)_h1 {
                "~^/assets/[^?]*(?:\\?|$)" "DENY";
                "~^/about/(?:\\?|$)" "SAMEORIGIN";
                "~^/[^?]*(?:\\?|$)" "ALLOW";
                default "";
            }
            """))
        #expect(text.contains("""
            # Cache-Control
            map $request_uri $\(prefix)_h0 {
                "~^/assets/[^?]*(?:\\?|$)" "public, max-age=31536000, immutable";
                default "public, max-age=0, must-revalidate";
            }
            """))
        #expect(text.contains("add_header Cache-Control $\(prefix)_h0;"))
        #expect(text.contains("add_header X-Frame-Options $\(prefix)_h1;"))
    }

    /// The regexes match what `lectern serve` matches: the whole path against the pattern, `*`
    /// any run of characters; the query string is not part of the path.
    @Test(arguments: [
        ("/assets/*", "/assets/site.1.css", true), ("/assets/*", "/assets/site.1.css?v=2", true),
        ("/assets/*", "/assets", false), ("/assets/*", "/x/assets/a.css", false), ("/assets/*", "/assetsx/a", false),
        ("/about/", "/about/", true), ("/about/", "/about/?utm=x", true), ("/about/", "/about/team/", false),
        ("/*.json", "/search-index.json", true), ("/*.json", "/search-index.json.gz", false),
        ("/a/*/c", "/a/b/c", true), ("/a/*/c", "/a/b/d", false), ("/a.b", "/aXb", false),
    ])
    func patternsMatchAsTheRouterMatchesThem(pattern: String, requestURI: String, matches: Bool) throws {
        let regex = try NSRegularExpression(pattern: HeadersFile.requestURIRegex(for: pattern))
        let found = regex.firstMatch(in: requestURI, range: NSRange(requestURI.startIndex..., in: requestURI)) != nil
        #expect(found == matches)
    }

    @Test func aSiteWithTheAccessFunctionGatesLessonsThatHaveAPrivatePage() throws {
        let (site, folder) = try site()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let text = site.render()
        #expect(text.contains("root \(folder)/current/dist;"))
        #expect(text.contains("disable_symlinks off;") && text.contains("open_file_cache off;"))
        #expect(text.contains("if (-f \"\(folder)/current/private${uri}index.html\")"))
        #expect(text.contains("auth_request /_lectern/access-check;"))
        #expect(text.contains("proxy_pass http://lectern_courses_example_com_access/api/access/check;"))
        #expect(text.contains("proxy_set_header X-Lectern-Auth-Request 1;"))
        #expect(text.contains("error_page 401 403 = @lectern_teaser;"))
        #expect(text.contains("server unix:\(folder)/run/leads.sock;"))
        #expect(text.contains("location ~ ^/api/leads(?:/|$)"))
        #expect(text.contains("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"))
        #expect(text.contains("proxy_set_header X-Forwarded-Proto $scheme;"))
        #expect(text.contains("proxy_set_header X-Request-Id $request_id;"))
        #expect(text.contains("gzip_static on;"))
        #expect(!text.contains("brotli"))
    }

    @Test func withoutTheAccessFunctionNothingIsGated() throws {
        let (site, folder) = try site(upstreams: ["leads"])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let text = site.render()
        #expect(!text.contains("auth_request"))
        #expect(!text.contains("/current/private"))
        #expect(text.contains("No access function: paid lessons show their public teaser to everyone."))
    }

    @Test func brotliOnlyWhenAsked() throws {
        let (site, folder) = try site(brotli: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(site.render().contains("brotli_static on;"))
    }

    @Test func anUpstreamOptionReplacesTheSocketOfThatFunction() throws {
        let merged = FunctionUpstream.merging(
            try FunctionUpstream.sockets(in: "/srv/site/run", functions: ["leads", "access"]),
            overrides: [try FunctionUpstream(parsing: "access=127.0.0.1:9001"), try FunctionUpstream(parsing: "auth=unix:/run/auth.sock")])
        #expect(merged.map(\.address) == ["unix:/srv/site/run/leads.sock", "127.0.0.1:9001", "unix:/run/auth.sock"])
    }

    @Test(arguments: [
        ("/assets/*\nCache-Control: x", "_headers:2: 'Cache-Control: x' looks like a header: indent it under its path pattern"),
        ("/assets/*\n  Cache-Control x", "_headers:2: write the header as `Name: value`"),
        ("  X-A: b\n/*", "_headers:1: a header comes before any path pattern"),
        ("/*\n  X-A: pay $5", "_headers:2: nginx cannot send this value as written"),
        ("https://example.com/*\n  X-A: b", "_headers:1: 'https://example.com/*' is not a path pattern"),
        ("/*\n  Bad Name: b", "_headers:2: 'Bad Name' is not a header name"),
    ])
    func aHeadersLineNginxCannotCarryIsNamedByFileAndLine(headers: String, message: String) throws {
        let error = try #require(throws: DeployError.self) { try site(headers: headers) }
        #expect(error.description.contains("/current/dist/" + message), "\(error)")
    }

    @Test func aDeployFolderWithoutAReleaseSaysToPublishFirst() throws {
        let error = try #require(throws: DeployError.self) {
            try NginxSite(siteDirectory: "/nonexistent/site", serverNames: ["example.com"], upstreams: [])
        }
        #expect(error.description == "/nonexistent/site/current/dist/_headers: cannot be read. Publish a release first "
            + "(push to the remote made by `lectern remote init`), or name the build's _headers file with --headers FILE.")
    }

    @Test func optionsThatWouldBreakTheFileAreRefusedByName() throws {
        let cases: [(String, () throws -> Any)] = [
            ("--site-dir 'site': give an absolute path", { try NginxSite(siteDirectory: "site", serverNames: ["a.com"], upstreams: []) }),
            ("--site-dir '/srv/my site': use only", { try NginxSite(siteDirectory: "/srv/my site", serverNames: ["a.com"], upstreams: []) }),
            ("--upstream 'leads': write NAME=unix:", { try FunctionUpstream(parsing: "leads") }),
            ("--upstream leads 'run/leads.sock': give an absolute path", { try FunctionUpstream(parsing: "leads=unix:run/leads.sock") }),
            ("--upstream 'leads=localhost; deny all': give unix:", { try FunctionUpstream(parsing: "leads=localhost; deny all") }),
            ("--upstream 'Leads!': a function name is", { try FunctionUpstream(parsing: "Leads!=unix:/a.sock") }),
        ]
        for (message, make) in cases {
            let error = try #require(throws: DeployError.self) { _ = try make() }
            #expect(error.description.hasPrefix(message), "\(error)")
        }
    }

    @Test(arguments: [("example.com;", "--server-name"), ("80; include /etc/passwd", "--listen")])
    func serverNameAndListenAreChecked(value: String, option: String) throws {
        let (_, folder) = try site()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let error = try #require(throws: DeployError.self) {
            try NginxSite(siteDirectory: folder, serverNames: [option == "--server-name" ? value : "a.com"],
                          listen: option == "--listen" ? value : "80", upstreams: [])
        }
        #expect(error.description.hasPrefix("\(option) '\(value)'"))
    }

    /// The configuration nginx itself accepts (`nginx -t`), when nginx is installed.
    @Test(.enabled(if: NginxFixture.nginxBinary != nil)) func nginxAcceptsTheConfiguration() throws {
        let (site, folder) = try site(brotli: false)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try site.render().write(toFile: folder + "/site.conf", atomically: true, encoding: .utf8)
        try """
            events {}
            http { include /etc/nginx/mime.types; include \(folder)/site.conf; }
            """.write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
        let checked = try TestSupport.run(NginxFixture.nginxBinary!, ["-t", "-p", folder, "-c", folder + "/nginx.conf",
                                                                      "-g", "pid \(folder)/nginx.pid; error_log stderr;"])
        #expect(checked.status == 0, "\(checked.errors)")
    }
}
