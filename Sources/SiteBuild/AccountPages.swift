import SiteModel

/// The account pages every site gets — sign in, sign up, email confirmation, password reset and
/// the account page itself — rendered with the `account` layout for the `auth` function's API
/// (docs/AUTH.md).
///
/// They are the same for every visitor: `assets/site.js` fills them in from the API, so no
/// account data and no secret is ever part of the build. They are `noindex` and stay out of the
/// sitemap and the search index (both list content pages only). A content page at the same URL
/// takes the place of the generated one.
enum AccountPages {
    /// One account page: its URL, the view the `account` layout shows and its heading.
    struct View: Sendable {
        var id: String
        var url: String
        var title: String
        var description: String
    }

    /// The auth function's routes, as the router serves them.
    static let api = "/api/auth"

    static let views: [View] = [
        View(id: "signin", url: "/account/signin/", title: "Sign in", description: "Welcome back."),
        View(id: "signup", url: "/account/signup/", title: "Create your account",
            description: "One account for your courses, progress and purchases."),
        View(id: "verify", url: "/account/verify/", title: "Confirm your email", description: ""),
        View(id: "reset", url: "/account/reset/", title: "Reset your password", description: ""),
        View(id: "home", url: "/account/", title: "Your account", description: ""),
    ]

    /// The render jobs of the account pages the site does not provide itself.
    static func jobs(for context: BuildContext) -> [SiteRenderer.Job] {
        let taken = Set(context.site.pages.map(\.url))
        let urls = Dictionary(uniqueKeysWithValues: views.map { ($0.id, context.link($0.url)) })
            .merging(LearningPages.accountLinks(for: context)) { $1 }
            .merging(GenerationPages.accountLinks(for: context)) { $1 }
        return views.filter { !taken.contains($0.url) }.map { view in
            let page = Page(source: "(account)", url: view.url, title: view.title, description: view.description)
            var job = SiteRenderer.Job(page: page, layout: "account", makeValues: { ["account": value(of: view, urls: urls)] })
            job.noindex = true
            return job
        }
    }

    /// `account`: which view to show (`view` and one `isSignIn`… flag), the API's root and the
    /// URLs of every account page (`urls.signin`, `urls.home`, …).
    static func value(of view: View, urls: [String: String]) -> [String: Any & Sendable] {
        [
            "view": view.id, "api": api, "urls": urls,
            "isSignIn": view.id == "signin", "isSignUp": view.id == "signup", "isVerify": view.id == "verify",
            "isReset": view.id == "reset", "isHome": view.id == "home",
        ]
    }
}
