import Foundation
import Testing

@testable import SiteBuild

/// The account pages every site gets: generated without any content, `noindex`, kept out of the
/// sitemap and the search index, overridable, and holding nothing that is not public.
@Suite struct AccountPagesTests {
    static let pages = [
        "account/signin/index.html": "signin", "account/signup/index.html": "signup",
        "account/verify/index.html": "verify", "account/reset/index.html": "reset", "account/index.html": "home",
    ]

    @Test func everyAccountPageIsGeneratedAndNoindex() throws {
        let site = try TestSite(TestSite.minimal)
        defer { site.remove() }
        let report = site.build()
        #expect(report.succeeded, "\(report.lines)")
        for (path, view) in Self.pages {
            let html = try #require(site.read("dist/" + path), "\(path) was not generated")
            #expect(html.contains("<meta name=\"robots\" content=\"noindex\">"), "\(path) is not noindex")
            #expect(html.contains("data-account-view=\"\(view)\""))
            #expect(html.contains("data-account-api=\"/api/auth\""))
            #expect(html.contains("<noscript>"), "\(path) does not say it needs JavaScript")
        }
        let signIn = try #require(site.read("dist/account/signin/index.html"))
        #expect(signIn.contains("data-account-form=\"signin\"") && signIn.contains("data-account-form=\"signin-2fa\""))
        #expect(signIn.contains("data-account-providers hidden"), "providers show only once the API lists some")
        let home = try #require(site.read("dist/account/index.html"))
        for form in ["2fa-setup", "2fa-enable", "2fa-disable", "password", "delete"] {
            #expect(home.contains("data-account-form=\"\(form)\""), "the account page lacks the \(form) form")
        }
        #expect(home.contains("data-account-export") && home.contains("data-account-sessions"))
        // Content pages stay indexable.
        #expect(site.read("dist/index.html")?.contains("noindex") == false)
    }

    @Test func accountPagesAreNotInTheSitemapOrTheSearchIndex() throws {
        let site = try TestSite(TestSite.minimal)
        defer { site.remove() }
        #expect(site.build().succeeded)
        let sitemap = try #require(site.read("dist/sitemap.xml"))
        let search = try #require(site.read("dist/search-index.json"))
        #expect(sitemap.contains("https://example.com/courses/course/"), "the sitemap lists content pages")
        #expect(!sitemap.contains("/account/"))
        #expect(!search.contains("/account/"))
        #expect(!search.contains("Sign in"))
    }

    @Test func everyFieldHasALabelAndEveryFormALiveRegion() throws {
        let site = try TestSite(TestSite.minimal)
        defer { site.remove() }
        #expect(site.build().succeeded)
        for path in Self.pages.keys {
            let body = try Self.main(of: #require(site.read("dist/" + path)))
            for input in Self.tags("input", in: body) where !input.contains("type=\"hidden\"") {
                let id = try #require(Self.attribute("id", of: input), "\(path): an input without an id: \(input)")
                #expect(body.contains("<label for=\"\(id)\""), "\(path): #\(id) has no label")
                #expect(Self.attribute("name", of: input) != nil, "\(path): #\(id) has no name")
            }
            let forms = Self.tags("form", in: body).filter { $0.contains("data-account-form") }
            #expect(!forms.isEmpty || path == "account/verify/index.html")
            let liveRegions = body.components(separatedBy: "aria-live=\"polite\" data-account-status").count - 1
            #expect(liveRegions == forms.count, "\(path): \(forms.count) forms, \(liveRegions) status regions")
        }
    }

    @Test func pagesCarryNoSecrets() throws {
        var files = TestSite.minimal
        files[".env"] = "SESSION_SECRET=sekrit-session-value\nGOOGLE_CLIENT_SECRET=sekrit-google-value\nSMTP_URL=smtp://user:sekrit-smtp@mail\n"
        let site = try TestSite(files)
        defer { site.remove() }
        #expect(site.build().succeeded)
        for file in site.files(under: "dist") {
            let text = site.read("dist/" + file) ?? ""
            #expect(!text.contains("sekrit"), "a secret from .env reached dist/\(file)")
        }
        for path in Self.pages.keys {
            let html = try Self.main(of: #require(site.read("dist/" + path)))
            // Tokens, keys and codes come from the API at run time; the page only has places for them.
            for leak in ["otpauth://", "csrf_token\":", "lectern_session=", "?token="] {
                #expect(!html.contains(leak), "\(path) contains \(leak)")
            }
            for input in Self.tags("input", in: html) {
                #expect(Self.attribute("value", of: input) == nil || input.contains("type=\"checkbox\""),
                    "\(path): an input with a built-in value: \(input)")
            }
        }
    }

    @Test func theHeaderLinksToSignInAndTeasersComeBackAfterSigningIn() throws {
        let site = try TestSite(TestSite.minimal)
        defer { site.remove() }
        #expect(site.build().succeeded)
        let home = try #require(site.read("dist/index.html"))
        #expect(home.contains("<a class=\"site-account-link\" href=\"/account/signin/\" data-lectern-signin>Sign in</a>"))
        let teaser = try #require(site.read("dist/courses/course/basics/two/index.html"))
        #expect(teaser.contains("href=\"/account/signin/?return_to=/courses/course/basics/two/\""))
    }

    @Test func aSiteUnderASubPathLinksItsOwnAccountPages() throws {
        var files = TestSite.minimal
        files["content/site.yaml"] = files["content/site.yaml"]!.replacingOccurrences(
            of: "base_url: https://example.com", with: "base_url: https://example.com/school")
        let site = try TestSite(files)
        defer { site.remove() }
        let report = site.build()
        #expect(report.succeeded, "\(report.lines)")
        let signIn = try #require(site.read("dist/account/signin/index.html"))
        #expect(signIn.contains("data-account-home=\"/school/account/\""))
        #expect(signIn.contains("href=\"/school/account/signup/\""))
        #expect(signIn.contains("<link rel=\"canonical\" href=\"https://example.com/school/account/signin/\">"))
    }

    @Test func aSiteCanOverrideAnAccountViewOrReplaceAPage() throws {
        var files = TestSite.minimal
        files["layouts/partials/account-signup.mustache"] = "<p>Sign-ups are closed: ask {{site.title}}.</p>\n"
        files["content/account/reset.md"] = "---\ntitle: Lost password\n---\nWrite to us.\n"
        let site = try TestSite(files)
        defer { site.remove() }
        let report = site.build()
        #expect(report.succeeded, "\(report.lines)")
        let signUp = try #require(site.read("dist/account/signup/index.html"))
        #expect(signUp.contains("<p>Sign-ups are closed: ask Test Site.</p>"))
        #expect(!signUp.contains("data-account-form=\"signup\""))
        let reset = try #require(site.read("dist/account/reset/index.html"))
        #expect(reset.contains("Write to us."))
        #expect(!reset.contains("data-account-view"))
        #expect(site.read("dist/account/signin/index.html")?.contains("data-account-view=\"signin\"") == true)
    }

    /// The page's `<main>` element: the header and footer (the newsletter form) are other tests' business.
    static func main(of html: String) throws -> String {
        let start = try #require(html.range(of: "<main")).lowerBound
        let end = try #require(html.range(of: "</main>")).upperBound
        return String(html[start..<end])
    }

    /// The opening tags named `name` (`<input …>`), in order.
    static func tags(_ name: String, in html: String) -> [String] {
        html.components(separatedBy: "<" + name + " ").dropFirst().compactMap { rest in
            rest.firstIndex(of: ">").map { "<" + name + " " + rest[..<$0] + ">" }
        }
    }

    static func attribute(_ name: String, of tag: String) -> String? {
        guard let start = tag.range(of: " " + name + "=\"") else { return nil }
        return tag[start.upperBound...].split(separator: "\"", maxSplits: 1).first.map(String.init)
    }
}
