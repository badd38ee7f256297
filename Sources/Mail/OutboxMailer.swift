import Foundation
import Logging

/// Delivers mail into a folder instead of a server, so development needs no mail setup.
///
/// Each email becomes `<yyyyMMdd-HHmmss>-<random>.eml` (UTC), which any mail client opens, and
/// one log line with its recipient, subject and path; each link in the body is logged too, so a
/// verification link can be followed straight from the terminal.
public struct OutboxMailer: Mailer {
    /// The folder the messages go into; created when missing.
    public let directory: String
    private let logger: Logger

    /// - Parameters:
    ///   - directory: The outbox folder, absolute or relative to the working directory.
    ///   - logger: Where each delivery and its links are logged, at `info`.
    public init(directory: String, logger: Logger = Logger(label: "lectern.mail")) {
        self.directory = directory
        self.logger = logger
    }

    public func send(_ email: Email) async throws {
        let now = Date()
        let message = try email.renderMessage(date: now)
        let path = try write(message, named: Self.fileName(at: now))
        logger.info(
            "Email written to the outbox",
            metadata: ["to": "\(email.to)", "subject": "\(email.subject)", "path": "\(path)"])
        for link in email.links {
            logger.info("Link in email", metadata: ["to": "\(email.to)", "link": "\(link)"])
        }
    }

    /// Writes `message` under a hidden temporary name, then renames it into place: a rename within
    /// one folder is atomic, so anything watching the outbox sees whole messages only.
    private func write(_ message: String, named name: String) throws -> String {
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        let file = folder.appendingPathComponent(name)
        let temporary = folder.appendingPathComponent(".\(name).partial")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(message.utf8).write(to: temporary)
            try FileManager.default.moveItem(at: temporary, to: file)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw MailError.outboxUnwritable(path: directory, reason: Self.reason(error))
        }
        return file.path
    }

    private static func fileName(at date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        // Two emails in the same second must not overwrite each other.
        let random = String(UInt32.random(in: .min ... .max), radix: 16)
        return "\(formatter.string(from: date))-\(String(repeating: "0", count: 8 - random.count))\(random).eml"
    }

    /// The operating system's reason ("Permission denied"), which Foundation's own message on
    /// Linux ("The operation could not be completed") leaves out.
    private static func reason(_ error: any Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? any Error
        guard let posix = underlying.map({ $0 as NSError }), posix.domain == NSPOSIXErrorDomain else {
            return error.localizedDescription
        }
        return String(cString: strerror(Int32(posix.code)))
    }
}
