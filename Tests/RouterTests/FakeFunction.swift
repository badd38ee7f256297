import Foundation

/// The Python stand-in function: serves HTTP/1.1 on `SOCKET_PATH`, behaves as `FAKE_MODE` says,
/// and exits when the router (its parent) goes away.
enum FakeFunction {
    private static let written = Result { try write() }

    static func script() throws -> String { try written.get() }

    private static func write() throws -> String {
        let candidates = ["/usr/bin/python3", "/usr/local/bin/python3"]
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/python3" }
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw FixtureError("python3 is needed for the fake functions")
        }
        let path = Scratch.folder("fake") + "/fake-function.py"
        try ("#!" + python + "\n" + source).write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    static let source = #"""
        import json, os, signal, socketserver, sys, threading, time
        from http.server import BaseHTTPRequestHandler

        MODE = os.environ.get("FAKE_MODE", "allow")
        SLEEP = float(os.environ.get("FAKE_SLEEP", "6"))
        PARENT = int(os.environ.get("LECTERN_PARENT_PID", "0"))
        TERM_FILE = os.environ.get("FAKE_TERM_FILE")

        if MODE == "exit":
            sys.exit(3)

        def on_sigterm(signum, frame):
            if TERM_FILE:
                with open(TERM_FILE, "w") as f:
                    f.write("SIGTERM")
            os._exit(0)

        signal.signal(signal.SIGTERM, on_sigterm)
        if os.environ.get("FAKE_KEEP_SIGNAL_MASK") != "1":
            # Work around the router spawning children with its thread's blocked signals
            # (see SupervisionTests.stopSendsATerminateTheFunctionCanHandle).
            signal.pthread_sigmask(signal.SIG_SETMASK, [])

        def watch_parent():
            while PARENT and os.getppid() == PARENT:
                time.sleep(0.2)
            os._exit(0)

        CONNECTIONS = [0]
        CONNECTIONS_LOCK = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                # Numbered per accepted connection, so a test can see the router reuse one.
                with CONNECTIONS_LOCK:
                    CONNECTIONS[0] += 1
                    self.number = CONNECTIONS[0]
                super().setup()

            def log_message(self, format, *args):
                pass

            def reply(self, status, body=b"", headers=()):
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                as_json = [("Content-Type", "application/json")]
                if self.path == "/healthz":
                    return self.reply(200, b'{"status":"ok"}', as_json)
                if MODE == "allow":
                    return self.reply(204)
                if MODE == "error":
                    return self.reply(500, b'{"error":{"code":"boom","message":"fake failure"}}', as_json)
                if MODE == "deny":
                    return self.reply(401, b'{"error":{"code":"sign_in_required","message":"Sign in."}}', as_json)
                if MODE == "sleep":
                    time.sleep(SLEEP)
                    return self.reply(204)
                if MODE == "echo":
                    seen = {}
                    for name, value in self.headers.items():
                        seen.setdefault(name.lower(), []).append(value)
                    payload = {"method": self.command, "path": self.path, "bodyLength": len(body), "headers": seen,
                               "connection": self.number}
                    return self.reply(200, json.dumps(payload).encode(), as_json + [
                        ("Connection", "keep-alive, X-Internal"), ("X-Internal", "secret"),
                        ("Keep-Alive", "timeout=5"), ("Proxy-Authenticate", "Basic realm=fake"),
                        ("X-Visible", "yes")])
                return self.reply(404)

            do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = handle_any

        class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
            daemon_threads = True

        path = os.environ["SOCKET_PATH"]
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        threading.Thread(target=watch_parent, daemon=True).start()
        Server(path, Handler).serve_forever()
        """#
}
