import Foundation

/// One HTTP response as it came over the wire (fetched with curl: no redirects followed, no
/// decompression), so tests see exactly what nginx sent.
struct HTTPReply {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    /// Every value of the header `name` (case-insensitive), in order.
    func values(_ name: String) -> [String] {
        headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    func header(_ name: String) -> String? { values(name).first }

    /// `curl -i` output: status line, headers, a blank line, the body.
    init(curlOutput data: Data) throws {
        guard let end = data.range(of: Data("\r\n\r\n".utf8)) else {
            throw TestSupport.Failure("no HTTP response in curl's output: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        let head = String(decoding: data[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        guard let statusLine = head.first, let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") else {
            throw TestSupport.Failure("bad status line: \(head.first ?? "")")
        }
        self.status = status
        self.headers = head.dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        self.body = data[end.upperBound...]
    }

    /// A request to `127.0.0.1:port` through curl.
    static func fetch(port: Int, _ path: String, method: String = "GET", headers: [String: String] = [:],
                      body: String? = nil) throws -> HTTPReply {
        var arguments = ["-s", "-i", "--http1.1", "-X", method]
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { arguments += ["-H", "\(name): \(value)"] }
        if let body { arguments += ["--data-binary", body] }
        arguments.append("http://127.0.0.1:\(port)\(path)")
        let result = try TestSupport.run(curl, arguments)
        guard result.status == 0 else { throw TestSupport.Failure("curl \(path): exit \(result.status) \(result.errors)") }
        return try HTTPReply(curlOutput: result.output)
    }

    /// `GET path` on a function's Unix socket.
    static func fetch(socket: String, _ path: String) throws -> HTTPReply {
        let result = try TestSupport.run(curl, ["-s", "-i", "--unix-socket", socket, "http://localhost\(path)"])
        guard result.status == 0 else { throw TestSupport.Failure("curl \(socket)\(path): exit \(result.status)") }
        return try HTTPReply(curlOutput: result.output)
    }

    static var curl: String { TestSupport.executable("/usr/bin/curl", "/bin/curl") ?? "/usr/bin/curl" }
}
