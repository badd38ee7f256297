import Accounts
import ArgumentParser
import Foundation
import Store

/// `lectern users`: list accounts, grant and revoke roles, disable and enable accounts.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "List accounts and manage their roles (student, author, admin).",
        subcommands: [List.self, Grant.self, Revoke.self, Disable.self, Enable.self])

    /// Opens the store with the accounts tables in place, runs `body`, closes the store.
    static func withAdmin<R>(_ database: DatabaseOptions, _ body: (UserAdmin) async throws -> R) async throws -> R {
        let store = try await database.open()
        do {
            try await Migrator(store: store).migrate([AccountsSchema.migrations])
            let result = try await body(UserAdmin(store: store))
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

    static func role(_ text: String) throws -> Role {
        guard let role = Role(rawValue: text.lowercased()) else {
            throw ValidationError("Unknown role '\(text)': use one of \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return role
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every account.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let users = try await UsersCommand.withAdmin(database) { try await $0.list() }
            let formatter = ISO8601DateFormatter()
            print("email\troles\tverified\t2fa\tdisabled\tcreated\tid")
            for user in users {
                let created = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(user.createdAt)))
                print([user.email ?? "-", Role.text(user.roles), user.verified ? "yes" : "no", user.twoFactor ? "yes" : "no",
                       user.disabled ? "yes" : "no", created, user.id].joined(separator: "\t"))
            }
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give an account a role (signs it out everywhere).")
        @Argument(help: "author or admin") var role: String
        @Argument(help: "The account's email address or id.") var user: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let role = try UsersCommand.role(role)
            let roles = try await UsersCommand.withAdmin(database) { try await $0.grant(role, to: user) }
            print("\(user): \(Role.text(roles))")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a role away (signs the account out everywhere).")
        @Argument(help: "author or admin") var role: String
        @Argument(help: "The account's email address or id.") var user: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let role = try UsersCommand.role(role)
            guard role != .student else { throw ValidationError("Every account is a student; revoke author or admin.") }
            let roles = try await UsersCommand.withAdmin(database) { try await $0.revoke(role, from: user) }
            print("\(user): \(Role.text(roles))")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account: it cannot sign in, and its sessions and tokens end.")
        @Argument(help: "The account's email address or id.") var user: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await UsersCommand.withAdmin(database) { try await $0.setDisabled(true, user) }
            print("\(user): disabled")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account again.")
        @Argument(help: "The account's email address or id.") var user: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await UsersCommand.withAdmin(database) { try await $0.setDisabled(false, user) }
            print("\(user): enabled")
        }
    }
}
