import Foundation
import Testing

/// `dist/` served the way a CDN would: types, pretty URLs, validators, ranges, precompressed
/// variants, `_headers`, the theme's 404 page, and no way out of the folder.
@Suite(.timeLimit(.minutes(1)))
struct StaticFilesTests {
    @Test func contentTypesFollowTheExtension() async throws {
        try await withRouter { router in
            let expected = [
                "/": "text/html; charset=utf-8",
                try router.site.stylesheet(): "text/css; charset=utf-8",
                "/images/course.svg": "image/svg+xml",
                "/sitemap.xml": "application/xml; charset=utf-8",
                "/feed.xml": "application/xml; charset=utf-8",
                "/search-index.json": "application/json",
            ]
            for (path, type) in expected {
                let reply = try await router.get(path)
                #expect(reply.status == 200, "\(path): \(reply)")
                #expect(reply.header("Content-Type") == type, "\(path)")
            }
        }
    }

    @Test func prettyURLsServeTheFolderIndex() async throws {
        try await withRouter { router in
            let page = try await router.get("/about/")
            #expect(page.status == 200)
            #expect(page.body == (try router.site.bytes("dist/about/index.html")))

            let home = try await router.get("/")
            #expect(home.body == (try router.site.bytes("dist/index.html")))
        }
    }

    @Test func aFolderWithoutItsSlashRedirectsToIt() async throws {
        try await withRouter { router in
            let bare = try await router.get("/about")
            #expect(bare.status == 301)
            #expect(bare.header("Location") == "/about/")

            let withQuery = try await router.get("/courses/ai-marketing?ref=mail")
            #expect(withQuery.status == 301)
            #expect(withQuery.header("Location") == "/courses/ai-marketing/?ref=mail")
        }
    }

    /// `//about` names the same folder as `/about`, but a `Location: //about/` is a
    /// protocol-relative URL: the browser leaves the site for the host `about`.
    @Test func folderRedirectsNeverLeaveTheSite() async throws {
        try await withRouter { router in
            let reply = try await RawHTTP.get(port: router.port, target: "//about")
            if reply.status == 301 {
                let location = try #require(reply.header("Location"))
                #expect(location.hasPrefix("/") && !location.hasPrefix("//"), "Location: \(location)")
            } else {
                #expect(reply.status == 404 || reply.status == 400, "\(reply.status)")
            }
        }
    }

    @Test func etagRevalidationAnswers304() async throws {
        try await withRouter { router in
            let first = try await router.get("/about/")
            let etag = try #require(first.header("ETag"))
            #expect(etag.hasPrefix("\"") && etag.hasSuffix("\""))

            let again = try await router.get("/about/", headers: [("If-None-Match", etag)])
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
            #expect(again.header("ETag") == etag)

            let weak = try await router.get("/about/", headers: [("If-None-Match", "\"other\", W/\(etag)")])
            #expect(weak.status == 304)

            let stale = try await router.get("/about/", headers: [("If-None-Match", "\"not-this-one\"")])
            #expect(stale.status == 200)
            #expect(stale.body == first.body)
        }
    }

    @Test func singleByteRanges() async throws {
        try await withRouter { router in
            let all = DemoSite.rangeBytes
            let head = try await router.get(DemoSite.rangeFile, headers: [("Range", "bytes=0-99")])
            #expect(head.status == 206)
            #expect(head.header("Content-Range") == "bytes 0-99/\(all.count)")
            #expect(head.body == Array(all[0..<100]))

            let tail = try await router.get(DemoSite.rangeFile, headers: [("Range", "bytes=-10")])
            #expect(tail.status == 206)
            #expect(tail.header("Content-Range") == "bytes 990-999/1000")
            #expect(tail.body == Array(all[990...]))

            let whole = try await router.get(DemoSite.rangeFile)
            #expect(whole.status == 200)
            #expect(whole.header("Accept-Ranges") == "bytes")
            #expect(whole.body == all)

            let beyond = try await router.get(DemoSite.rangeFile, headers: [("Range", "bytes=5000-")])
            #expect(beyond.status == 416)
            #expect(beyond.header("Content-Range") == "bytes */1000")
        }
    }

    @Test func precompressedVariantWhenAccepted() async throws {
        try await withRouter { router in
            let gzip = try await router.get(DemoSite.precompressed, headers: [("Accept-Encoding", "br;q=0, gzip, deflate")])
            #expect(gzip.status == 200)
            #expect(gzip.header("Content-Encoding") == "gzip")
            #expect(gzip.header("Vary")?.contains("Accept-Encoding") == true)
            #expect(gzip.header("Content-Type") == "text/plain; charset=utf-8")
            #expect(gzip.body == DemoSite.gzipBytes)

            let identity = try await router.get(DemoSite.precompressed)
            #expect(identity.status == 200)
            #expect(identity.header("Content-Encoding") == nil)
            #expect(identity.header("Vary")?.contains("Accept-Encoding") == true)
            #expect(identity.text == DemoSite.identityText)
            #expect(identity.header("ETag") != gzip.header("ETag"))

            let refused = try await router.get(DemoSite.precompressed, headers: [("Accept-Encoding", "gzip;q=0")])
            #expect(refused.header("Content-Encoding") == nil)
            #expect(refused.text == DemoSite.identityText)
        }
    }

    @Test func missingPagesGetTheThemes404() async throws {
        try await withRouter { router in
            let reply = try await router.get("/no/such/page/")
            #expect(reply.status == 404)
            #expect(reply.header("Content-Type") == "text/html; charset=utf-8")
            #expect(reply.body == (try router.site.bytes("dist/404.html")))
        }
    }

    @Test func headersFileRulesApply() async throws {
        try await withRouter { router in
            let asset = try await router.get(try router.site.stylesheet())
            #expect(asset.header("Cache-Control") == "public, max-age=31536000, immutable")

            let page = try await router.get("/about/")
            #expect(page.header("Cache-Control") == "public, max-age=0, must-revalidate")
            #expect(page.header("X-Content-Type-Options") == "nosniff")
            #expect(page.header("Referrer-Policy") == "strict-origin-when-cross-origin")
        }
    }

    /// `dist/..` is the site folder, which holds `content/` and `private/` (the paid lessons).
    @Test(arguments: [
        "/../private/courses/ai-marketing/results-and-responsibility/seo-content/index.html",
        "/%2e%2e/private/courses/ai-marketing/results-and-responsibility/seo-content/index.html",
        "/%2E%2E/content/site.yaml",
        "/courses/..%2f..%2fcontent/site.yaml",
        "/assets/%2e%2e/%2e%2e/content/site.yaml",
        "/about/.%2e/.%2e/content/site.yaml",
        "/about/index.html%00.css",
        "/%00",
        "/about/..%5c..%5ccontent%5csite.yaml",
    ])
    func pathTraversalIsRefused(target: String) async throws {
        try await withRouter { router in
            let reply = try await RawHTTP.get(port: router.port, target: target)
            #expect(reply.status == 400, "\(target) → \(reply.status)")
            #expect(!reply.body.contains(DemoSite.privateOnlyText))
            #expect(!reply.body.contains("offers:"))
        }
    }

    @Test func headAnswersWithoutABody() async throws {
        try await withRouter { router in
            let get = try await router.get("/about/")
            let head = try await router.send("HEAD", "/about/")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.header("Content-Length") == String(get.body.count))
            #expect(head.header("ETag") == get.header("ETag"))
            #expect(head.header("Content-Type") == "text/html; charset=utf-8")
        }
    }

    @Test func onlyGetAndHeadReachTheSite() async throws {
        try await withRouter { router in
            let reply = try await router.send("POST", "/about/", body: Array("x=1".utf8))
            #expect(reply.status == 405)
            #expect(reply.header("Allow") == "GET, HEAD")
        }
    }
}

/// `_redirects`: rewrites (200) and redirects for paths no file matches, as Netlify and
/// Cloudflare Pages apply them.
@Suite(.timeLimit(.minutes(1)))
struct RedirectRulesTests {
    @Test func rewritesAndRedirectsApplyOnlyWhereNoFileIs() async throws {
        try await withRouter { router in
            let file = router.site.dist + "/_redirects"
            let before = try? String(contentsOfFile: file, encoding: .utf8)
            defer {
                if let before { try? before.write(toFile: file, atomically: true, encoding: .utf8) } else { try? FileManager.default.removeItem(atPath: file) }
            }
            try ((before ?? "") + """

                # test rules
                /old-about /about/ 301
                /go/* /courses/:splat 302
                /about-again/* /about/index.html 200
                /about/ /pricing/ 200

                """).write(toFile: file, atomically: true, encoding: .utf8)
            let moved = try await router.get("/old-about")
            #expect(moved.status == 301 && moved.header("Location") == "/about/")
            let splat = try await router.get("/go/ai-marketing/")
            #expect(splat.status == 302 && splat.header("Location") == "/courses/ai-marketing/")
            let rewritten = try await router.get("/about-again/anything/")
            #expect(rewritten.status == 200)
            #expect(rewritten.body == (try router.site.bytes("dist/about/index.html")))
            // A real file wins over a rule.
            let real = try await router.get("/about/")
            #expect(real.body == (try router.site.bytes("dist/about/index.html")))
            #expect(try await router.get("/nowhere/").status == 404)
        }
    }
}
