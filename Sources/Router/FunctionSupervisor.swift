import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle

/// Starts every function, keeps them running, and stops them when the router stops. One
/// function crashing only takes its own routes down (503 until it is back).
public final class FunctionSupervisor: Service, Sendable {
    let processes: [String: FunctionProcess]
    let runtimeDirectory: String

    public init(specs: [FunctionSpec], runtimeDirectory: String, client: HTTPClient, logger: Logger) {
        self.runtimeDirectory = runtimeDirectory
        var processes: [String: FunctionProcess] = [:]
        for spec in specs {
            processes[spec.name] = FunctionProcess(
                spec: spec, socketPath: runtimeDirectory + "/" + spec.name + ".sock", client: client, logger: logger)
        }
        self.processes = processes
    }

    public var names: [String] { processes.keys.sorted() }

    /// Starts all functions in parallel and returns when each is up (or has failed once and is
    /// being retried in the background).
    public func startAll() async throws {
        try FileManager.default.createDirectory(atPath: runtimeDirectory, withIntermediateDirectories: true)
        await withTaskGroup(of: Void.self) { group in
            for process in processes.values {
                group.addTask { await process.start() }
            }
        }
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await stopAll()
    }

    public func stopAll() async {
        await withTaskGroup(of: Void.self) { group in
            for process in processes.values {
                group.addTask { await process.stop() }
            }
        }
        // The folder is this router's own (see `lectern serve`): gone with its sockets.
        rmdir(runtimeDirectory)
    }

    /// A function's URL prefix (`http+unix://…`) and state, or nil for an unknown name. Reads
    /// the published state, so the per-request check needs no hop onto the process's actor.
    func endpoint(for name: String) -> (urlPrefix: String, state: FunctionProcess.State)? {
        guard let process = processes[name] else { return nil }
        return (process.urlPrefix, process.published.withLock { $0 })
    }

    /// A function's Unix socket and state, for the event-loop proxy (`FastPathHandler`).
    func socket(for name: String) -> (path: String, state: FunctionProcess.State)? {
        guard let process = processes[name] else { return nil }
        return (process.socketPath, process.published.withLock { $0 })
    }

    public func state(of name: String) async -> String? {
        guard let process = processes[name] else { return nil }
        return "\(await process.state)"
    }

    public func pid(of name: String) async -> Int32? {
        await processes[name]?.pid
    }

    public func starts(of name: String) async -> Int {
        await processes[name]?.starts ?? 0
    }

    public func waitUntilUp(_ name: String) async {
        await processes[name]?.waitUntilUp()
    }
}
