import CCurl
import Foundation

/// libcurl's process-wide set-up. curl_global_init must run once, before any other curl call and
/// never concurrently with one; a global's initializer runs exactly once, on first use.
private let curlGlobalInitResult: CURLcode = lectern_curl_global_init()

/// One message submitted over SMTP through libcurl's blocking easy interface.
struct CurlSMTPTransfer: Sendable {
    let server: SMTPURL
    let sender: String
    let recipient: String
    let message: [UInt8]
    let connectTimeout: Duration
    let timeout: Duration

    /// Runs the transfer on a thread of its own. curl_easy_perform blocks for the whole SMTP
    /// dialogue, up to `timeout`; on a cooperative-pool thread (one per core) or an event loop it
    /// would stall unrelated work for that long.
    func run() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let thread = Thread {
                continuation.resume(with: Result { try perform() })
            }
            thread.name = "lectern.mail.smtp"
            thread.start()
        }
    }

    /// The blocking transfer itself.
    private func perform() throws {
        guard curlGlobalInitResult == CURLE_OK else { throw failure("curl_global_init", curlGlobalInitResult) }
        guard let handle = curl_easy_init() else { throw failure("curl_easy_init returned no handle") }
        defer { curl_easy_cleanup(handle) }

        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }
        // curl copies string options, but keeps the list and the reader's pointer: both must
        // outlive curl_easy_perform.
        let recipients = curl_slist_append(nil, "<\(recipient)>")
        defer { curl_slist_free_all(recipients) }
        let reader = MessageReader(bytes: message)

        try withExtendedLifetime(reader) {
            try set(handle, CURLOPT_ERRORBUFFER, pointer: errorBuffer)
            try set(handle, CURLOPT_URL, server.connectionURL)
            try set(handle, CURLOPT_MAIL_FROM, "<\(sender)>")
            try check(lectern_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients), "CURLOPT_MAIL_RCPT")
            try set(handle, CURLOPT_UPLOAD, 1)
            try check(lectern_curl_setopt_readfunction(handle, MessageReader.callback), "CURLOPT_READFUNCTION")
            try set(handle, CURLOPT_READDATA, pointer: Unmanaged.passUnretained(reader).toOpaque())
            try set(handle, CURLOPT_USE_SSL, Int(useSSL.rawValue))
            if let username = server.username, let password = server.password {
                try set(handle, CURLOPT_USERNAME, username)
                try set(handle, CURLOPT_PASSWORD, password)
            }
            try set(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(connectTimeout / .milliseconds(1)))
            try set(handle, CURLOPT_TIMEOUT_MS, Int(timeout / .milliseconds(1)))
            // Without it, curl's name-resolution timeout uses SIGALRM, which is not safe with
            // other threads running.
            try set(handle, CURLOPT_NOSIGNAL, 1)

            let result = curl_easy_perform(handle)
            guard result == CURLE_OK else {
                var reply = 0
                _ = lectern_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &reply)
                var reason = String(cString: curl_easy_strerror(result))
                let detail = String(cString: errorBuffer)
                if !detail.isEmpty && detail != reason { reason += ": \(detail)" }
                // A 4xx or 5xx reply says what the server objected to (550: no such mailbox, …).
                if reply >= 400 { reason += " (server replied \(reply))" }
                throw MailError.deliveryFailed(server: server.description, reason: reason)
            }
        }
    }

    private var useSSL: curl_usessl {
        switch server.security {
        case .startTLSIfOffered: CURLUSESSL_TRY
        case .startTLSRequired, .implicitTLS: CURLUSESSL_ALL
        case .none: CURLUSESSL_NONE
        }
    }

    private func set(_ handle: UnsafeMutableRawPointer, _ option: CURLoption, _ value: Int) throws {
        try check(lectern_curl_setopt_long(handle, option, value), "curl option \(option.rawValue)")
    }

    private func set(_ handle: UnsafeMutableRawPointer, _ option: CURLoption, _ value: String) throws {
        try check(lectern_curl_setopt_string(handle, option, value), "curl option \(option.rawValue)")
    }

    private func set(_ handle: UnsafeMutableRawPointer, _ option: CURLoption, pointer: UnsafeMutableRawPointer) throws {
        try check(lectern_curl_setopt_pointer(handle, option, pointer), "curl option \(option.rawValue)")
    }

    private func check(_ code: CURLcode, _ what: String) throws {
        guard code == CURLE_OK else { throw failure("setting \(what)", code) }
    }

    private func failure(_ what: String, _ code: CURLcode? = nil) -> MailError {
        let detail = code.map { ": " + String(cString: curl_easy_strerror($0)) } ?? ""
        return MailError.deliveryFailed(server: server.description, reason: "\(what)\(detail)")
    }
}

/// Hands the rendered message to curl piece by piece, from curl's read callback.
private final class MessageReader {
    let bytes: [UInt8]
    var offset = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// curl's CURLOPT_READFUNCTION: copies up to `size * count` bytes into `buffer`; 0 ends the
    /// message.
    static let callback: lectern_curl_read_callback = { buffer, size, count, userdata in
        guard let buffer, let userdata else { return 0 }
        let reader = Unmanaged<MessageReader>.fromOpaque(userdata).takeUnretainedValue()
        let length = min(size * count, reader.bytes.count - reader.offset)
        reader.bytes.withUnsafeBufferPointer { source in
            UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + reader.offset, byteCount: length)
        }
        reader.offset += length
        return length
    }
}
