import FunctionKit
import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Synchronization

/// Serves a build's `dist/` the way a CDN would: pretty-URL directory indexes, content types,
/// strong ETags and `If-None-Match` → 304, single byte ranges, precompressed `.br`/`.gz`
/// variants when the client accepts them, the `_headers` rules, and the theme's 404 page.
///
/// Files are kept in memory after the first read and re-read only when their inode, size or
/// modification time changes, so a rebuild or a release switch is picked up on the next request
/// at the cost of one `stat`.
final class StaticFiles: Sendable {
    enum Lookup: Equatable {
        case file(path: String, stamp: FileStamp)
        case redirect(location: String)
        case notFound
    }

    struct Cached: Sendable {
        let stamp: FileStamp
        let bytes: ByteBuffer
        let etag: String
        let contentType: String
        /// Which precompressed siblings existed when the file was read.
        let brotli: Bool
        let gzip: Bool
        /// Content-Type, ETag and Accept-Ranges, built once: the common response only adds
        /// these to the (also cached) `_headers` fields.
        let entityHeaders: HTTPFields
    }

    let root: String
    private let cache = Mutex<[String: Cached]>([:])
    private let rules = Mutex<(checked: UInt64, stamp: FileStamp?, generation: Int, rules: HeaderRules)?>(nil)
    private let redirects = Mutex<(stamp: FileStamp?, rules: RedirectRules)?>(nil)
    /// The `_headers` fields per URL path, cleared whenever the rules are re-read.
    private let ruleFields = Mutex<[String: HTTPFields]>([:])

    /// A whole plain-GET response per raw request path, valid while its file's stamp and the
    /// rules' generation are unchanged: the hot path of a static site is a lookup and a `stat`.
    struct Memo: Sendable {
        let file: String
        let stamp: FileStamp
        let generation: Int
        let headers: HTTPFields
        let bytes: ByteBuffer
        /// The same fields as SwiftNIO's HTTP/1 headers, for `FastPathHandler`.
        let wireHeaders: HTTPHeaders

        init(file: String, stamp: FileStamp, generation: Int, headers: HTTPFields, bytes: ByteBuffer) {
            self.file = file
            self.stamp = stamp
            self.generation = generation
            self.headers = headers
            self.bytes = bytes
            self.wireHeaders = HTTPHeaders(headers)
        }
    }
    private let memos = Mutex<[String: Memo]>([:])

    /// The memoised 200 response for `rawPath`, if it is still current.
    func memo(for rawPath: String) -> Memo? {
        guard let memo = memos.withLock({ $0[rawPath] }), memo.generation == currentRules().generation,
              FileStamp(path: memo.file) == memo.stamp else { return nil }
        return memo
    }

    /// The memoised response for `rawPath`, if it is still current.
    func memoised(_ rawPath: String) -> Response? {
        memo(for: rawPath).map { Response(status: .ok, headers: $0.headers, body: .init(byteBuffer: $0.bytes)) }
    }
    /// Files above this are read per request instead of cached.
    static let cacheLimit = 4 * 1024 * 1024

    init(root: String) {
        self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    /// Maps a decoded URL path (see `decodedPath`) to a file under the root, with one `stat`.
    func lookup(_ path: String) -> Lookup {
        var candidate = root + path
        if path.hasSuffix("/") { candidate += "index.html" }
        var info = stat()
        guard stat(candidate, &info) == 0 else { return .notFound }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            return FileManager.default.fileExists(atPath: candidate + "/index.html")
                ? .redirect(location: path + "/") : .notFound
        }
        return (info.st_mode & S_IFMT) == S_IFREG ? .file(path: candidate, stamp: FileStamp(info)) : .notFound
    }

    /// The request path percent-decoded, or nil when it is not a safe path: any `..`, `.`,
    /// NUL or backslash segment is refused before the file system is asked anything.
    static func decodedPath(_ rawPath: String) -> String? {
        guard rawPath.hasPrefix("/") else { return nil }
        let decoded: String
        if rawPath.utf8.contains(UInt8(ascii: "%")) {
            guard let value = rawPath.removingPercentEncoding else { return nil }
            decoded = value
        } else {
            decoded = rawPath
        }
        // Fast path: nothing that could form a dot segment, a NUL or a backslash.
        if !decoded.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == 0 || $0 == UInt8(ascii: "\\") }) {
            return decoded
        }
        for segment in decoded.split(separator: "/", omittingEmptySubsequences: false) {
            if segment == ".." || segment == "." || segment.contains("\0") || segment.contains("\\") { return nil }
        }
        return decoded
    }

    /// The response for a file found by `lookup` (or a private page), honouring conditional,
    /// range and encoding headers. `extra` headers win over the `_headers` rules.
    /// `memoKey`: remember a plain GET's response under this raw path (public pages only).
    func respond(file: String, stamp: FileStamp? = nil, urlPath: String, request: Request, status: HTTPResponse.Status = .ok,
                 extra: [(HTTPField.Name, String)] = [], transform: ((ByteBuffer) -> ByteBuffer)? = nil,
                 memoKey: String? = nil) -> Response {
        guard let cached = load(file, stamp: stamp) else {
            return Response(status: .notFound)
        }
        // The common case — a plain GET of a page or asset — from prebuilt fields.
        if extra.isEmpty, transform == nil, status == .ok, !cached.brotli, !cached.gzip, request.method == .get,
           request.headers[.ifNoneMatch] == nil, request.headers[.range] == nil {
            let generation = currentRules().generation
            var headers = ruleHeaderFields(for: urlPath)
            headers.append(contentsOf: cached.entityHeaders)
            if let memoKey {
                let memo = Memo(file: file, stamp: cached.stamp, generation: generation, headers: headers, bytes: cached.bytes)
                memos.withLock { memos in
                    if memos.count > 20_000 { memos.removeAll() }
                    memos[memoKey] = memo
                }
            }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: cached.bytes))
        }
        var headers = HTTPFields()
        for (name, value) in extra { headers[name] = value }
        for (name, value) in headerRules(for: urlPath) where headers[name] == nil { headers[name] = value }
        // What Netlify and Cloudflare Pages send when no rule says otherwise.
        if headers[.cacheControl] == nil { headers[.cacheControl] = "public, max-age=0, must-revalidate" }
        headers[.contentType] = cached.contentType

        // A transformed body (live reload's script) is a different representation: no ETag,
        // no ranges, no precompressed variant.
        if let transform {
            headers[.cacheControl] = "no-store"
            return body(transform(cached.bytes), status: status, headers: headers, request: request)
        }

        var bytes = cached.bytes
        var etag = cached.etag
        if cached.brotli || cached.gzip {
            headers[.vary] = headers[.vary].map { $0 + ", Accept-Encoding" } ?? "Accept-Encoding"
            let accepted = Self.acceptedEncodings(request.headers[.acceptEncoding])
            for (encoding, present, suffix) in [("br", cached.brotli, ".br"), ("gzip", cached.gzip, ".gz")]
            where present && accepted.contains(encoding) {
                if let variant = load(file + suffix, contentType: cached.contentType) {
                    bytes = variant.bytes
                    etag = String(cached.etag.dropLast()) + "-" + encoding + "\""
                    headers[.contentEncoding] = encoding
                    break
                }
            }
        }
        headers[.eTag] = etag
        if status == .ok, let match = request.headers[.ifNoneMatch], Self.etagMatches(match, etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.acceptRanges] = "bytes"
        if status == .ok, headers[.contentEncoding] == nil, let range = request.headers[.range],
           request.headers[.ifRange].map({ $0 == etag }) ?? true {
            switch Self.byteRange(range, length: bytes.readableBytes) {
            case .some(.some(let slice)):
                headers[.contentRange] = "bytes \(slice.lowerBound)-\(slice.upperBound - 1)/\(bytes.readableBytes)"
                let part = bytes.getSlice(at: bytes.readerIndex + slice.lowerBound, length: slice.count) ?? ByteBuffer()
                return body(part, status: .partialContent, headers: headers, request: request)
            case .some(.none):
                headers[.contentRange] = "bytes */\(bytes.readableBytes)"
                return Response(status: .rangeNotSatisfiable, headers: headers)
            case .none:
                break
            }
        }
        return body(bytes, status: status, headers: headers, request: request)
    }

    private func body(_ bytes: ByteBuffer, status: HTTPResponse.Status, headers: HTTPFields, request: Request) -> Response {
        var headers = headers
        if request.method == .head {
            headers[.contentLength] = String(bytes.readableBytes)
            return Response(status: status, headers: headers)
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: bytes))
    }

    /// The theme's 404 page (or a plain one when the build has none).
    func notFound(request: Request) -> Response {
        let page = root + "/404.html"
        if FileStamp(path: page) != nil {
            return respond(file: page, urlPath: "/404.html", request: request, status: .notFound,
                           extra: [(.cacheControl, "no-store")])
        }
        return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: "Not found\n")))
    }

    func load(_ file: String, stamp known: FileStamp? = nil, contentType: String? = nil) -> Cached? {
        guard let stamp = known ?? FileStamp(path: file) else { return nil }
        if let hit = cache.withLock({ $0[file] }), hit.stamp == stamp { return hit }
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        var buffer = ByteBuffer()
        buffer.writeBytes(data)
        let etag = "\"" + String(Self.fnv1a(data), radix: 16) + "-" + String(data.count, radix: 16) + "\""
        let type = contentType ?? MediaTypes.forPath(file)
        let entry = Cached(
            stamp: stamp, bytes: buffer, etag: etag, contentType: type,
            brotli: contentType == nil && FileStamp(path: file + ".br") != nil,
            gzip: contentType == nil && FileStamp(path: file + ".gz") != nil,
            entityHeaders: [.contentType: type, .eTag: etag, .acceptRanges: "bytes"])
        if data.count <= Self.cacheLimit {
            cache.withLock { cache in
                // A crude bound: a site is far smaller than this; a runaway one restarts cold.
                if cache.count > 50_000 { cache.removeAll() }
                cache[file] = entry
            }
        }
        return entry
    }

    /// The `_headers` fields for `urlPath` plus the default Cache-Control, memoised.
    private func ruleHeaderFields(for urlPath: String) -> HTTPFields {
        _ = currentRules()  // notices a changed file, which clears the memo
        if let fields = ruleFields.withLock({ $0[urlPath] }) { return fields }
        var fields = HTTPFields()
        for (name, value) in headerRules(for: urlPath) where fields[name] == nil { fields[name] = value }
        if fields[.cacheControl] == nil { fields[.cacheControl] = "public, max-age=0, must-revalidate" }
        ruleFields.withLock { memo in
            if memo.count > 20_000 { memo.removeAll() }
            memo[urlPath] = fields
        }
        return fields
    }

    /// The `_redirects` rules, re-read when the file changes (they are consulted only for paths
    /// no file matches, off the hot path).
    func redirectRules() -> RedirectRules {
        let file = root + "/_redirects"
        let stamp = FileStamp(path: file)
        if let cached = redirects.withLock({ $0 }), cached.stamp == stamp { return cached.rules }
        let parsed = (try? String(contentsOfFile: file, encoding: .utf8)).map(RedirectRules.init(parsing:)) ?? .empty
        redirects.withLock { $0 = (stamp, parsed) }
        return parsed
    }

    /// The `_headers` rules, looked at again at most every half second: a rebuild's new rules
    /// apply within that, and the hot path saves a `stat` per request.
    private func headerRules(for urlPath: String) -> [(HTTPField.Name, String)] {
        currentRules().rules.headers(for: urlPath)
    }

    /// The rules and their generation (bumped each time the file is re-read).
    private func currentRules() -> (generation: Int, rules: HeaderRules) {
        let now = DispatchTime.now().uptimeNanoseconds
        if let state = rules.withLock({ $0 }), now &- state.checked < 500_000_000 {
            return (state.generation, state.rules)
        }
        let file = root + "/_headers"
        let stamp = FileStamp(path: file)
        var current = rules.withLock { $0 }
        if current == nil || current?.stamp != stamp {
            let parsed = (try? String(contentsOfFile: file, encoding: .utf8)).map(HeaderRules.init(parsing:)) ?? .empty
            current = (now, stamp, (current?.generation ?? 0) + 1, parsed)
            ruleFields.withLock { $0.removeAll() }
        } else {
            current?.checked = now
        }
        rules.withLock { $0 = current }
        return (current!.generation, current!.rules)
    }

    static func acceptedEncodings(_ header: String?) -> Set<String> {
        guard let header else { return [] }
        var result = Set<String>()
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let name = parts.first else { continue }
            let refused = parts.dropFirst().contains { $0 == "q=0" || $0 == "q=0.0" || $0 == "q=0.00" || $0 == "q=0.000" }
            if !refused { result.insert(name) }
        }
        return result
    }

    static func etagMatches(_ header: String, _ etag: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == etag
        }
    }

    /// `nil`: no usable Range header (serve everything); `.some(nil)`: unsatisfiable (416);
    /// otherwise the one range to send. Several ranges are answered with the whole file, which
    /// RFC 9110 allows.
    static func byteRange(_ header: String, length: Int) -> Range<Int>?? {
        guard header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        let bounds = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard bounds.count == 2 else { return nil }
        if bounds[0].isEmpty {
            guard let suffix = Int(bounds[1]), suffix > 0 else { return .some(nil) }
            return length == 0 ? .some(nil) : max(0, length - suffix)..<length
        }
        guard let start = Int(bounds[0]), start >= 0 else { return nil }
        guard start < length else { return .some(nil) }
        if bounds[1].isEmpty { return start..<length }
        guard let end = Int(bounds[1]), end >= start else { return nil }
        return start..<min(end + 1, length)
    }

    static func fnv1a(_ data: Data) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }
}
