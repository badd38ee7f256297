import Accounts
import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PaymentsFunction

/// `lectern payments replay FILE`: try the purchase flow offline with the shipped Stripe fixtures.
struct PaymentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payments", abstract: "Payment tools for local testing.", subcommands: [Replay.self])

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a Stripe event (functions/payments/fixtures/stripe/*.json) with the endpoint secret and post it to the local webhook.")

        @Argument(help: "The event file.") var file: String
        @Option(help: "The account the event is for (email or id); fills USER_ID.") var user: String
        @Option(help: "The offer id; fills OFFER_ID.") var offer: String = "pro"
        @Option(help: "The webhook URL.") var url: String = "http://localhost:8080/api/payments/webhooks/stripe"
        @Option(help: "The endpoint secret (default: $STRIPE_WEBHOOK_SECRET).") var secret: String?
        @Flag(help: "Keep the file's event id (to see a redelivery ignored).") var keepID = false
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard let secret = secret ?? ProcessInfo.processInfo.environment["STRIPE_WEBHOOK_SECRET"]?.split(separator: ",").last.map(String.init) else {
                throw ValidationError("Give --secret or set STRIPE_WEBHOOK_SECRET (the same one the payments function uses).")
            }
            let fixture: Data
            do { fixture = try Data(contentsOf: URL(fileURLWithPath: file)) } catch { throw ValidationError("\(file): \(error.localizedDescription)") }
            let userID = try await database.withLearning { store, _ in try await UserAdmin.resolveID(user, in: store) }
            let prepared: EventReplay.Prepared
            do {
                prepared = try EventReplay.prepare(fixture: fixture, userID: userID, offerID: offer, secret: secret, keepID: keepID)
            } catch {
                throw ValidationError("\(file): \(error)")
            }
            var request = URLRequest(url: URL(string: url)!)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue(prepared.signatureHeader, forHTTPHeaderField: "Stripe-Signature")
            request.httpBody = Data(prepared.body)
            let (data, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            print("\(prepared.type) \(prepared.eventID) → \(status) \(String(decoding: data, as: UTF8.self))")
            if !(200..<300).contains(status) { throw ExitCode.failure }
        }
    }
}
