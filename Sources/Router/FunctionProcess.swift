import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Synchronization

/// What the router needs to start one function.
public struct FunctionSpec: Sendable {
    public let name: String
    public let executable: String
    public let environment: [String: String]
    public let workingDirectory: String

    public init(name: String, executable: String, environment: [String: String], workingDirectory: String) {
        self.name = name
        self.executable = executable
        self.environment = environment
        self.workingDirectory = workingDirectory
    }
}

/// One supervised function process: started with its environment on a Unix socket, ready once
/// `/healthz` answers 200, restarted with exponential backoff when it exits. Requests are
/// only sent while it is `up`; otherwise the router answers 503 with `Retry-After`.
actor FunctionProcess {
    enum State: Equatable {
        case starting
        case up
        case down
        case stopped
    }

    let spec: FunctionSpec
    let socketPath: String
    /// `http+unix://…` for AsyncHTTPClient, encoded once.
    nonisolated let urlPrefix: String
    private let client: HTTPClient
    private let logger: Logger
    private(set) var state: State = .starting {
        didSet { published.withLock { $0 = state } }
    }
    /// The state, readable without a hop onto the actor: the proxy checks it on every request.
    nonisolated let published = Mutex<State>(.starting)
    private var process: Process?
    private var failures = 0
    private var upSince: ContinuousClock.Instant?
    private var waiters: [CheckedContinuation<Void, Never>] = []
    /// How many times it has been started; tests watch this to see a restart.
    private(set) var starts = 0

    init(spec: FunctionSpec, socketPath: String, client: HTTPClient, logger: Logger) {
        self.spec = spec
        self.socketPath = socketPath
        self.urlPrefix = "http+unix://" + (socketPath.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? socketPath)
        self.client = client
        var logger = logger
        logger[metadataKey: "function"] = .string(spec.name)
        self.logger = logger
    }

    var pid: Int32? { process?.processIdentifier }

    func start() async {
        guard state != .stopped else { return }
        state = .starting
        starts += 1
        unlink(socketPath)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: spec.executable)
        process.currentDirectoryURL = URL(fileURLWithPath: spec.workingDirectory)
        var environment = spec.environment
        environment["SOCKET_PATH"] = socketPath
        environment["LECTERN_PARENT_PID"] = String(getpid())
        process.environment = environment
        process.terminationHandler = { [weak self] finished in
            let status = finished.terminationStatus
            Task { await self?.exited(status: status, process: finished) }
        }
        let launched = ContinuousClock.now
        do {
            try await Self.spawn(process)
        } catch {
            logger.error("cannot start function", metadata: ["executable": "\(spec.executable)", "error": "\(error)"])
            self.process = nil
            scheduleRestart()
            return
        }
        self.process = process
        if await waitForHealth(of: process) {
            guard self.process === process, state == .starting else { return }
            state = .up
            upSince = .now
            logger.info("function is up", metadata: ["pid": "\(process.processIdentifier)", "ready_ms": "\((ContinuousClock.now - launched).milliseconds)"])
            resumeWaiters()
        } else if self.process === process, process.isRunning {
            logger.error("function did not become healthy in time; restarting")
            process.terminate()
        }
    }

    /// Polls `/healthz` on the socket until 200, the process exits, or 15 s pass.
    private func waitForHealth(of process: Process) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(15)
        var delay = Duration.milliseconds(2)
        while ContinuousClock.now < deadline, process.isRunning, state != .stopped {
            if FileManager.default.fileExists(atPath: socketPath), await healthy() { return true }
            do { try await Task.sleep(for: delay) } catch { return false }
            delay = min(delay * 2, .milliseconds(50))
        }
        return false
    }

    /// Starts the process from a thread of its own with no signals blocked: a child inherits
    /// the spawning thread's signal mask, and the runtime's worker threads block SIGTERM, which
    /// would leave a function unable to hear `stop()`.
    static func spawn(_ process: Process) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let box = UncheckedBox(process)
            Thread.detachNewThread {
                var empty = sigset_t()
                sigemptyset(&empty)
                pthread_sigmask(SIG_SETMASK, &empty, nil)
                do {
                    try box.value.run()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    func healthy() async -> Bool {
        var request = HTTPClientRequest(url: urlPrefix + "/healthz")
        request.method = .GET
        do {
            let response = try await client.execute(request, timeout: .seconds(2))
            _ = try? await response.body.collect(upTo: 4096)
            return response.status == .ok
        } catch {
            return false
        }
    }

    private func exited(status: Int32, process: Process) {
        guard self.process === process else { return }
        self.process = nil
        if state == .stopped {
            resumeWaiters()
            return
        }
        if let upSince, ContinuousClock.now - upSince > .seconds(30) { failures = 0 }
        upSince = nil
        state = .down
        logger.warning("function exited; restarting", metadata: ["status": "\(status)", "failures": "\(failures)"])
        scheduleRestart()
    }

    /// 100 ms, 200 ms, 400 ms … up to 10 s between attempts while it keeps failing.
    private func scheduleRestart() {
        state = .down
        let delay = Duration.milliseconds(min(10_000, 100 << min(failures, 7)))
        failures += 1
        Task {
            await Self.pause(milliseconds: Int(delay.milliseconds))
            await self.restartIfDown()
        }
    }

    private func restartIfDown() async {
        if state == .down { await start() }
    }

    /// Waits until the function is up (or stopped); for start-up and tests.
    func waitUntilUp() async {
        if state == .up || state == .stopped { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func resumeWaiters() {
        let pending = waiters
        waiters = []
        pending.forEach { $0.resume() }
    }

    /// SIGTERM, so the function finishes in-flight requests; SIGKILL after `grace`.
    func stop(grace: Duration = .seconds(10)) async {
        state = .stopped
        guard let process, process.isRunning else { resumeWaiters(); return }
        process.terminate()
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline {
            // Not Task.sleep: stop() runs while the service group cancels tasks, and a cancelled
            // sleep returns at once, which would spin here.
            await Self.pause(milliseconds: 10)
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        unlink(socketPath)
        resumeWaiters()
    }
}

extension FunctionProcess {
    static func pause(milliseconds: Int) async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { continuation.resume() }
        }
    }
}

/// Hands a non-Sendable value to another thread that is its only user from then on.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

extension Duration {
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
