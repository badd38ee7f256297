import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Development mode: tells open tabs to reload after a rebuild (server-sent events on
/// `/__lectern/events`), and remembers the last build error so pages show it instead of a
/// stale site.
public final class LiveReload: Sendable {
    private struct State {
        var generation = 0
        var error: String?
        var listeners: [Int: AsyncStream<String>.Continuation] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// A build finished: clear any error and reload every tab.
    public func buildSucceeded() {
        broadcast { $0.error = nil }
    }

    /// A build failed: keep serving, show `message` in the browser.
    public func buildFailed(_ message: String) {
        broadcast { $0.error = message }
    }

    public var currentError: String? { state.withLock { $0.error } }

    private func broadcast(_ change: (inout State) -> Void) {
        let listeners = state.withLock { state in
            change(&state)
            state.generation += 1
            return Array(state.listeners.values)
        }
        for listener in listeners { listener.yield("event: reload\ndata: {}\n\n") }
    }

    /// The event stream for one tab.
    func events() -> AsyncStream<String> {
        AsyncStream { continuation in
            let id = state.withLock { state in
                state.nextID += 1
                state.listeners[state.nextID] = continuation
                return state.nextID
            }
            continuation.yield("retry: 500\n\n")
            continuation.onTermination = { [weak self] _ in
                _ = self?.state.withLock { $0.listeners.removeValue(forKey: id) }
            }
        }
    }

    static let script = """
        <script>(()=>{const s=new EventSource("/__lectern/events");let open=false;\
        s.onopen=()=>{if(open)location.reload();open=true};\
        s.addEventListener("reload",()=>location.reload());})();</script>
        """

    /// Inserts the reload script before `</body>` (or at the end).
    static func inject(into page: ByteBuffer) -> ByteBuffer {
        var html = String(buffer: page)
        if let end = html.range(of: "</body>", options: .backwards) {
            html.insert(contentsOf: script, at: end.lowerBound)
        } else {
            html += script
        }
        return ByteBuffer(string: html)
    }

    /// The page shown instead of the site while the last build failed.
    static func errorPage(_ message: String) -> ByteBuffer {
        let escaped = message.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        return ByteBuffer(string: """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Build failed</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1b1b1b}
            pre{background:#fff4f4;border:1px solid #e0a0a0;padding:1rem;white-space:pre-wrap;overflow-wrap:anywhere}</style>
            </head><body><h1>The site did not build</h1><p>Fix the error below and save: this page reloads by itself.</p>
            <pre>\(escaped)</pre>\(script)</body></html>
            """)
    }
}
