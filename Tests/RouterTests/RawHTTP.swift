import Foundation

/// Raw HTTP/1.1 over a plain TCP socket, for request targets a client library would normalise
/// (`/../x`, `//x`, `%00`).
enum RawHTTP {
    struct Response: Sendable {
        let status: Int
        let headers: [(String, String)]
        let body: String

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    static func get(port: Int, target: String) async throws -> Response {
        let request = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n"
        let bytes: [UInt8] = try await withCheckedThrowingContinuation { continuation in
            // A blocking socket on its own thread, never on the cooperative pool.
            Thread.detachNewThread {
                continuation.resume(with: Result { try exchange(port: port, request: Array(request.utf8)) })
            }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { throw FixtureError("no response head in \(text.debugDescription)") }
        let lines = text[..<end.lowerBound].components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw FixtureError("bad status line \(lines[0])") }
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Response(status: status, headers: headers, body: String(text[end.upperBound...]))
    }

    /// Sends `requests` back to back on one connection (HTTP/1.1 pipelining; the last should
    /// say `Connection: close`) and splits what comes back into responses, in arrival order.
    static func pipeline(port: Int, _ requests: [String]) async throws -> [Response] {
        let raw = Array(requests.joined().utf8)
        let bytes: [UInt8] = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try exchange(port: port, request: raw) })
            }
        }
        var responses: [Response] = []
        var rest = bytes[...]
        while !rest.isEmpty {
            guard let end = rest.firstRange(of: Array("\r\n\r\n".utf8)) else {
                throw FixtureError("no response head in \(String(decoding: rest, as: UTF8.self).debugDescription)")
            }
            let lines = String(decoding: rest[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
            let status = Int(lines[0].split(separator: " ")[1]) ?? 0
            let headers = lines.dropFirst().compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            rest = rest[end.upperBound...]
            var body: [UInt8] = []
            if let length = headers.first(where: { $0.0.lowercased() == "content-length" }).flatMap({ Int($0.1) }) {
                body = Array(rest.prefix(length))
                rest = rest.dropFirst(length)
            } else if headers.contains(where: { $0.0.lowercased() == "transfer-encoding" }) {
                while let lineEnd = rest.firstRange(of: Array("\r\n".utf8)) {
                    let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self), radix: 16) ?? 0
                    rest = rest[lineEnd.upperBound...]
                    body += rest.prefix(size)
                    rest = rest.dropFirst(size + 2)
                    if size == 0 { break }
                }
            }
            responses.append(Response(status: status, headers: headers, body: String(decoding: body, as: UTF8.self)))
        }
        return responses
    }

    private static func exchange(port: Int, request: [UInt8]) throws -> [UInt8] {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw FixtureError("socket() failed: errno \(errno)") }
        defer { close(socketFD) }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socketFD, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw FixtureError("connect() failed: errno \(errno)") }
        var sent = 0
        while sent < request.count {
            let written = request[sent...].withUnsafeBytes { write(socketFD, $0.baseAddress, $0.count) }
            guard written > 0 else { throw FixtureError("write() failed: errno \(errno)") }
            sent += written
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(socketFD, $0.baseAddress, $0.count) }
            if count > 0 {
                received += buffer[0..<count]
            } else if count == 0 {
                return received
            } else if errno != EINTR {
                throw FixtureError("read() failed (errno \(errno)) after \(received.count) bytes")
            }
        }
    }
}
