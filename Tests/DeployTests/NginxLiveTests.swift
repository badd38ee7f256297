import Accounts
import Foundation
import Learning
import SQLKit
import Store
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import Testing

/// The generated nginx site, run by Debian's nginx over real HTTP, in front of the real
/// function binaries and releases built by the real `lectern`.
@Suite struct NginxLiveTests {
    /// Runs `body` with a fresh fixture, stopped afterwards whatever happens.
    func withNginx(_ body: (NginxFixture) async throws -> Void) async throws {
        let fixture = try await NginxFixture.start()
        defer { fixture.stop() }
        try await body(fixture)
    }

    @Test func staticPagesCarryTheHeadersRulesAndCompress() async throws {
        try await withNginx { site in
            let about = try site.fetch("/about/")
            #expect(about.status == 200)
            #expect(about.body == (try site.file("A", "dist/about/index.html")))
            #expect(about.header("Content-Type") == "text/html; charset=utf-8")
            // `/*` in _headers; no rule sets Cache-Control for a page: the hosts' default.
            #expect(about.header("X-Content-Type-Options") == "nosniff")
            #expect(about.header("Referrer-Policy") == "strict-origin-when-cross-origin")
            #expect(about.values("Cache-Control") == ["public, max-age=0, must-revalidate"])

            // `/assets/*`: a year, immutable — and only that one Cache-Control.
            let css = try #require(try FileManager.default.contentsOfDirectory(atPath: site.deploy + "/current/dist/assets")
                .first { $0.hasSuffix(".css") })
            let asset = try site.fetch("/assets/\(css)?v=1")
            #expect(asset.status == 200)
            #expect(asset.values("Cache-Control") == ["public, max-age=31536000, immutable"])
            #expect(asset.header("X-Content-Type-Options") == "nosniff")

            // Compressed when asked, and the same bytes once inflated.
            let zipped = try site.fetch("/about/", headers: ["Accept-Encoding": "gzip"])
            #expect(zipped.header("Content-Encoding") == "gzip")
            #expect(zipped.values("Vary").contains("Accept-Encoding"))
            #expect(try gunzip(zipped.body, in: site.root) == about.body)
            #expect(try site.fetch("/about/").header("Content-Encoding") == nil)

            // A precompressed file beside a page is sent as it is (gzip_static).
            let precompressed = try gzip(Data("PRECOMPRESSED\n".utf8), in: site.root)
            try precompressed.write(to: URL(fileURLWithPath: site.deploy + "/current/dist/pricing/index.html.gz"))
            let fromDisk = try site.fetch("/pricing/", headers: ["Accept-Encoding": "gzip"])
            #expect(fromDisk.header("Content-Encoding") == "gzip")
            #expect(fromDisk.body == precompressed)
        }
    }

    @Test func prettyURLsRedirectAndMissingPagesGetThe404Page() async throws {
        try await withNginx { site in
            let bare = try site.fetch("/about")
            #expect(bare.status == 301)
            #expect(bare.header("Location") == "/about/")

            let missing = try site.fetch("/no-such-page/")
            #expect(missing.status == 404)
            #expect(missing.body == (try site.file("A", "dist/404.html")))
            // The CDN files of rules are never served.
            #expect(try site.fetch("/_headers").status == 404)
            #expect(try site.fetch("/_redirects").status == 404)
            // The build's `_redirects` rewrite: every certificate URL serves the one page.
            let certificate = try site.fetch("/certificates/0123456789abcdef0123456789abcdef/")
            #expect(certificate.status == 200)
            #expect(certificate.body == (try site.file("A", "dist/certificates/index.html")))
        }
    }

    @Test func apiRequestsReachTheRealFunctions() async throws {
        try await withNginx { site in
            let posted = try site.fetch("/api/leads", method: "POST", headers: ["Content-Type": "application/json"],
                                        body: #"{"email":"reader@example.com","consent":true}"#)
            #expect(posted.status == 201, "\(posted.text)")
            #expect(posted.text.contains(#""email":"reader@example.com""#))
            // The function kept nginx's request id (it trusts X-Request-Id from its socket's peer).
            let requestID = try #require(posted.header("X-Request-Id"))
            let accessLog = try String(contentsOfFile: site.root + "/nginx/access.log", encoding: .utf8)
            #expect(accessLog.contains("\(requestID) 201 /api/leads"))
            // …and stored the lead in the database.
            let export = try TestSupport.run(TestSupport.lectern, ["leads", "export", "--database-url", site.database])
            #expect(export.text.contains("reader@example.com"), "\(export.errors)")

            let unknown = try site.fetch("/api/nothing-here/x")
            #expect(unknown.status == 404)
            #expect(unknown.text.contains(#""code":"not_found""#))

            site.stopFunction("leads")
            let down = try site.fetch("/api/leads", method: "POST", headers: ["Content-Type": "application/json"], body: "{}")
            #expect(down.status == 503)
            #expect(down.header("Retry-After") == "1")
            #expect(down.text.contains(#""code":"function_unavailable""#))
        }
    }

    @Test func aPaidLessonWithoutAccessGetsItsTeaser() async throws {
        try await withNginx { site in
            let url = try site.lessonURL(access: "paid")
            let page = try site.fetch(url, headers: ["Cookie": "session=nobody"])
            #expect(page.status == 200)
            #expect(page.body == (try site.file("A", "dist\(url)index.html")))
            #expect(page.body != (try site.file("A", "private\(url)index.html")))
            #expect(page.header("X-Lectern-Access") == "payment_required")
            #expect(page.values("Cache-Control") == ["private, no-store"])
            #expect(page.values("Vary").contains("Cookie"))
            #expect(page.header("X-Content-Type-Options") == "nosniff")
        }
    }

    /// A learner holding the offer gets the paid lesson: nginx asks the access function with the
    /// learner's session cookie, gets 204, and serves the private copy; without the cookie the
    /// same URL is the teaser.
    @Test func aLearnerWithAccessGetsThePrivateLesson() async throws {
        try await withNginx { site in
            let url = try site.lessonURL(access: "paid")
            let store = try await Store.open(try DatabaseURL("sqlite://\(site.root)/data/lectern.sqlite"))
            let userID = UUID().uuidString.lowercased()
            let session = try await store.transaction { db in
                try await db.raw("""
                    INSERT INTO users (id, email, email_verified_at, name, roles, created_at, updated_at)
                    VALUES (\(bind: userID), 'buyer@example.com', 1, 'Buyer', 'student', 1, 1)
                    """).run()
                return try await SessionStore(store: store, settings: SessionSettings(siteURL: NginxFixture.siteURL))
                    .start(userID: userID, ip: nil, userAgent: nil, on: db)
            }
            try await LearnerStore(store: store).grant(userID: userID, offerID: "pro", source: "test")
            await store.close()

            let page = try site.fetch(url, headers: ["Cookie": "lectern_session=\(session.token)"])
            #expect(page.status == 200)
            #expect(page.body == (try site.file("A", "private\(url)index.html")))
            #expect(page.values("Cache-Control") == ["private, no-store"])
            #expect(page.header("X-Lectern-Access") == nil)
            let teaser = try site.fetch(url)
            #expect(teaser.header("X-Lectern-Access") == "payment_required")
            #expect(teaser.body != page.body)
        }
    }

    @Test func theGateFailsClosedWhenTheAccessFunctionIsDown() async throws {
        try await withNginx { site in
            let url = try site.lessonURL(access: "paid")
            site.stopFunction("access")
            let page = try site.fetch(url)
            #expect(page.status == 503)
            #expect(page.header("Retry-After") == "5")
            #expect(page.text.contains("temporarily unavailable"))
            #expect(page.body != (try site.file("A", "private\(url)index.html")))
        }
    }

    /// Four clients fetch a page without pause while `current` is switched between two
    /// releases ten times: no request fails, and every page is wholly one release's file.
    @Test func aReleaseSwitchUnderLoadFailsNothingAndMixesNothing() async throws {
        try await withNginx { site in
            let releases = [try site.file("A", "dist/about/index.html"), try site.file("B", "dist/about/index.html")]
            #expect(releases[0] != releases[1])
            let url = URL(string: "http://127.0.0.1:\(site.port)/about/")!
            let load = LoadCounter()
            let clients = (0..<4).map { _ in
                Task.detached { () -> [String] in
                    let session = URLSession(configuration: .ephemeral)
                    var outcomes: [String] = []
                    while !load.stopped {
                        do {
                            let (data, response) = try await session.data(from: url)
                            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                            let release = releases.firstIndex(of: data).map { NginxFixture.releases[$0] }
                            outcomes.append(status == 200 && release != nil ? release! : "BAD \(status) \(data.count) bytes")
                        } catch {
                            outcomes.append("ERROR \(error)")
                        }
                        load.count()
                    }
                    return outcomes
                }
            }
            // Switch after every 50 responses (progress, not time), A → B → A …, then 50 more.
            var switches = 0
            var mark = 0
            let deadline = ContinuousClock.now + .seconds(120)
            while switches <= 10, ContinuousClock.now < deadline {
                if load.completed >= mark + 50 {
                    mark = load.completed
                    if switches < 10 { try site.activate(NginxFixture.releases[(switches + 1) % 2]) }
                    switches += 1
                } else {
                    try await Task.sleep(for: .milliseconds(2))
                }
            }
            load.stop()
            var outcomes: [String] = []
            for client in clients { outcomes += await client.value }
            #expect(switches == 11, "the clients stalled: \(load.completed) responses")
            let failures = outcomes.filter { $0.hasPrefix("BAD") || $0.hasPrefix("ERROR") }
            #expect(failures.isEmpty, "\(failures.count) of \(outcomes.count) failed: \(failures.prefix(3))")
            #expect(outcomes.contains("A") && outcomes.contains("B"))
            #expect(outcomes.count >= 550)
        }
    }

    func gzip(_ data: Data, in folder: String) throws -> Data {
        let file = folder + "/plain-\(UUID().uuidString)"
        try data.write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try TestSupport.run("/bin/gzip", ["-c", "-n", file]).output
    }

    func gunzip(_ data: Data, in folder: String) throws -> Data {
        let file = folder + "/zipped-\(UUID().uuidString).gz"
        try data.write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try TestSupport.run("/bin/gzip", ["-d", "-c", file]).output
    }
}

/// Responses counted by the load clients, and the flag that stops them.
final class LoadCounter: Sendable {
    private let state = Mutex((responses: 0, stopped: false))

    var completed: Int { state.withLock { $0.responses } }
    var stopped: Bool { state.withLock { $0.stopped } }
    func count() { state.withLock { $0.responses += 1 } }
    func stop() { state.withLock { $0.stopped = true } }
}
