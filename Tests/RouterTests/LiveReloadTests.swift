import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// `lectern serve --watch`: pages carry the reload script, `/__lectern/events` tells open tabs to
/// reload, and a failed build shows its error instead of a stale site.
@Suite(.timeLimit(.minutes(1)))
struct LiveReloadTests {
    static let script = #"new EventSource("/__lectern/events")"#

    @Test func pagesCarryTheReloadScriptOnlyInDevelopment() async throws {
        try await withRouter(configure: { $0.liveReload = true }) { router in
            let page = try await router.get("/about/")
            #expect(page.status == 200)
            #expect(page.text.contains(Self.script))
            #expect(page.header("Cache-Control") == "no-store")
            let scriptStart = try #require(page.text.range(of: Self.script))
            let bodyEnd = try #require(page.text.range(of: "</body>", options: .backwards))
            #expect(scriptStart.lowerBound < bodyEnd.lowerBound)

            let css = try await router.get(try router.site.stylesheet())
            #expect(!css.text.contains(Self.script))
            #expect(css.body == (try router.site.bytes("dist" + (try router.site.stylesheet()))))
        }
        try await withRouter { router in
            let page = try await router.get("/about/")
            #expect(!page.text.contains(Self.script))
            #expect(page.body == (try router.site.bytes("dist/about/index.html")))
            #expect(try await router.get("/__lectern/events").status == 404)
        }
    }

    @Test func eventStreamAnnouncesRebuilds() async throws {
        try await withRouter(configure: { $0.liveReload = true }) { router in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(router.port)/__lectern/events")
            request.method = .GET
            let response = try await router.client.execute(request, timeout: .seconds(20))
            #expect(response.status.code == 200)
            #expect(response.headers.first(name: "Content-Type") == "text/event-stream")

            let body = response.body
            let liveReload = router.server.liveReload
            let received = try await withTimeout("the reload event") {
                var text = ""
                var announced = false
                for try await chunk in body {
                    text += String(buffer: chunk)
                    if !announced, text.contains("retry:") {
                        // The tab is listening: a successful rebuild must reach it.
                        announced = true
                        liveReload.buildSucceeded()
                    }
                    if text.contains("event: reload") { break }
                }
                return text
            }
            #expect(received.hasPrefix("retry: 500\n\n"))
            #expect(received.contains("event: reload\ndata: {}\n\n"))
        }
    }

    @Test func aFailedBuildShowsItsErrorUntilTheNextGoodBuild() async throws {
        try await withRouter(configure: { $0.liveReload = true }) { router in
            router.server.liveReload.buildFailed("content/x.md:3: bad <value>")
            for path in ["/", "/about/", DemoSite.freeLesson] {
                let reply = try await router.get(path)
                #expect(reply.status == 500, "\(path)")
                #expect(reply.text.contains("content/x.md:3: bad &lt;value&gt;"), "\(path)")
                #expect(reply.text.contains(Self.script), "the error page must reload itself once fixed")
                #expect(reply.header("Cache-Control") == "no-store")
            }

            router.server.liveReload.buildSucceeded()
            let fixed = try await router.get("/about/")
            #expect(fixed.status == 200)
            #expect(!fixed.text.contains("content/x.md:3"))
            #expect(fixed.text.contains("</html>"))
        }
    }

    /// Ctrl-C on `lectern serve --watch` must stop it even while a tab listens for reloads: the
    /// event stream never ends by itself, so graceful shutdown has to end it. The run without
    /// a listener shows the harness itself stops the server.
    @Test(arguments: [false, true])
    func serveStopsOnInterrupt(withOpenReloadStream: Bool) async throws {
        let folder = Scratch.folder("serve")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in ["content", "layouts", "static"] {
            try FileManager.default.copyItem(atPath: DemoSite.repositoryRoot + "/" + name, toPath: folder + "/" + name)
        }
        let log = folder + "/serve.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try RunningRouter.binary("lectern"))
        process.arguments = ["serve", "--site", folder, "--port", "0", "--watch", "--no-functions"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        let pid = process.processIdentifier
        defer { if process.isRunning { kill(pid, SIGKILL) } }

        var port = 0
        try await eventually("lectern serve to listen") {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            guard let range = text.range(of: #"listening on 127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else { return false }
            port = Int(text[range].split(separator: ":").last ?? "") ?? 0
            return port > 0
        }

        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        // The open tab: a response whose body is still being read.
        var openTab: HTTPClientResponse?
        if withOpenReloadStream {
            let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/__lectern/events"), timeout: .seconds(20))
            #expect(response.status.code == 200)
            var iterator = response.body.makeAsyncIterator()
            let first = try await iterator.next()
            #expect(first.map { String(buffer: $0) }?.hasPrefix("retry:") == true)
            openTab = response
        }

        kill(pid, SIGINT)
        let stopped = (try? await eventually("lectern serve to exit") { !process.isRunning }) != nil
        #expect(stopped, "lectern serve was still running 20 s after SIGINT")
        if !stopped { kill(pid, SIGKILL) }
        withExtendedLifetime(openTab) {}
        try? await client.shutdown()
    }
}
