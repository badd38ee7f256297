import Foundation
import Mail

/// The account emails. Links are built from `SITE_URL` only: a request's `Host` header is
/// chosen by whoever sends it, and a reset link pointing at their host would leak the token.
struct AuthMail: Sendable {
    let mailer: any Mailer
    let from: String
    let siteURL: String
    let siteName: String

    func verification(to email: String, token: String) async throws {
        try await send(to: email, subject: "Confirm your email for \(siteName)", text: """
            Welcome to \(siteName)!

            Confirm your email address to finish creating your account:

            \(siteURL)/account/verify/?token=\(token)

            The link works once and for 24 hours. If you did not sign up, ignore this email.
            """)
    }

    func alreadyRegistered(to email: String) async throws {
        try await send(to: email, subject: "You already have an account at \(siteName)", text: """
            Someone (perhaps you) tried to sign up at \(siteName) with this address, which already has an account.

            Sign in: \(siteURL)/account/signin/
            Forgot your password? \(siteURL)/account/reset/

            If it wasn't you, you can ignore this email.
            """)
    }

    func passwordReset(to email: String, token: String) async throws {
        try await send(to: email, subject: "Reset your \(siteName) password", text: """
            Someone (perhaps you) asked to reset the password of your \(siteName) account.

            Choose a new password here:

            \(siteURL)/account/reset/?token=\(token)

            The link works once and for one hour. Resetting signs you out on every device.
            If you did not ask for this, ignore this email: your password stays as it is.
            """)
    }

    func send(to email: String, subject: String, text: String) async throws {
        try await mailer.send(Email(from: from, to: email, subject: subject, text: text))
    }
}
