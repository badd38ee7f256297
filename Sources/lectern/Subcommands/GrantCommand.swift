import Accounts
import ArgumentParser
import Foundation
import FunctionKit
import Learning
import SiteModel
import Store

/// Reads the build's manifest for the commands that name offers and courses.
struct ManifestOption: ParsableArguments {
    @Option(help: "The private output holding manifest.json (default: SITE/private).")
    var privateDir: String?

    func manifest(site: String) throws -> Manifest {
        let folder = privateDir.map { $0.hasPrefix("/") ? $0 : FileManager.default.currentDirectoryPath + "/" + $0 } ?? site + "/private"
        do {
            return try ManifestFile(path: folder + "/manifest.json").manifest()
        } catch {
            throw ValidationError("\(error)")
        }
    }
}

extension DatabaseOptions {
    var absoluteSite: String {
        siteDirectory.hasPrefix("/") ? siteDirectory : FileManager.default.currentDirectoryPath + "/" + siteDirectory
    }

    /// The store with the accounts and learning tables in place.
    func withLearning<R>(_ body: (Store, LearnerStore) async throws -> R) async throws -> R {
        let store = try await open()
        do {
            try await Migrator(store: store).migrate([AccountsSchema.migrations, LearningSchema.migrations])
            let result = try await body(store, LearnerStore(store: store))
            await store.close()
            return result
        } catch let failure as UserAdmin.Failure {
            await store.close()
            throw ValidationError(failure.description)
        } catch {
            await store.close()
            throw error
        }
    }
}

/// `lectern grant EMAIL OFFER`: give an account an offer's courses (until payments do it).
struct GrantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "grant", abstract: "Give an account access to an offer's courses.")

    @Argument(help: "The account's email address or id.") var user: String
    @Argument(help: "The offer id (from content/site.yaml).") var offer: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var manifest: ManifestOption

    func run() async throws {
        let site = try manifest.manifest(site: database.absoluteSite)
        guard site.offers.contains(where: { $0.id == offer }) else {
            throw ValidationError("No offer '\(offer)' in the site: use one of \(site.offers.map(\.id).joined(separator: ", ")).")
        }
        try await database.withLearning { store, learners in
            let id = try await UserAdmin.resolveID(user, in: store)
            try await learners.grant(userID: id, offerID: offer, source: "lectern grant")
            try await AuditLog(store: store).record("entitlement_granted", userID: id, ip: nil, detail: offer)
        }
        print("\(user): granted \(offer)")
    }
}

/// `lectern revoke EMAIL OFFER`.
struct RevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Take an offer's access away from an account.")

    @Argument(help: "The account's email address or id.") var user: String
    @Argument(help: "The offer id.") var offer: String
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let revoked = try await database.withLearning { store, learners in
            let id = try await UserAdmin.resolveID(user, in: store)
            let revoked = try await learners.revoke(userID: id, offerID: offer)
            if revoked { try await AuditLog(store: store).record("entitlement_revoked", userID: id, ip: nil, detail: offer) }
            return revoked
        }
        print(revoked ? "\(user): revoked \(offer)" : "\(user) had no access to \(offer): nothing to revoke")
    }
}

/// `lectern report COURSE`: completion and drop-off per lesson, answers per question.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Per-lesson completion and drop-off, and per-question answers, for a course.")

    @Argument(help: "The course id.") var course: String
    @Flag(help: "JSON instead of text.") var json = false
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var manifest: ManifestOption

    func run() async throws {
        let site = try manifest.manifest(site: database.absoluteSite)
        guard let entry = site.courses.first(where: { $0.id == course }) else {
            throw ValidationError("No course '\(course)': use one of \(site.courses.map(\.id).joined(separator: ", ")).")
        }
        let report = try await database.withLearning { store, _ in try await CourseReport.make(course: entry, store: store) }
        if json {
            let data = try JSONSerialization.data(withJSONObject: report.json, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("\(entry.title): \(report.enrolled) enrolled\n")
        print("completed  drop-off  lesson")
        for line in report.lessons {
            print(String(format: "%9d  %7.0f%%  ", line.completed, line.dropOff * 100) + line.title)
        }
        for question in report.questions where question.total > 0 {
            print("\n\(question.lessonID) · \(question.quizID) · \(question.questionID): \(question.prompt) — \(Int((question.correctShare * 100).rounded()))% right")
            for answer in question.answers {
                print("  \(answer.correct ? "✓" : "✗") \(answer.answer): \(answer.count)")
            }
        }
    }
}
