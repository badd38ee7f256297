import Foundation
import Synchronization

// Every wait in these tests is bounded, so a broken feature fails instead of hanging.

/// A bounded wait ran out.
struct TimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// The operation's result, or `TimedOut` after `timeout`.
func withTimeout<T: Sendable>(
    _ what: String, timeout: Duration = .seconds(20), _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: TimedOutcome<T>.self) { group in
        group.addTask { .value(try await operation()) }
        group.addTask {
            try await Task.sleep(for: timeout)
            return .timedOut
        }
        defer { group.cancelAll() }
        guard case .value(let value) = try await group.next() else { throw TimedOut(what: what) }
        return value
    }
}

enum TimedOutcome<T: Sendable>: Sendable {
    case value(T)
    case timedOut
}

/// Polls `condition` until it holds; throws `TimedOut` after `timeout`.
func eventually(_ what: String, timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw TimedOut(what: what)
}

/// True when `work` finishes before `limit`; false otherwise (the work is left running). For
/// waits that do not respond to cancellation, such as a task's result.
func firstOf(_ work: @escaping @Sendable () async -> Bool, or limit: Duration) async -> Bool {
    let latch = Latch()
    var sleeper: Task<Void, Never>?
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
        Task {
            let value = await work()
            if latch.claim() { continuation.resume(returning: value) }
        }
        sleeper = Task {
            try? await Task.sleep(for: limit)
            if latch.claim() { continuation.resume(returning: false) }
        }
    }
    sleeper?.cancel()
    return result
}

/// Lets exactly one caller through.
final class Latch: Sendable {
    private let taken = Mutex(false)

    func claim() -> Bool {
        taken.withLock { taken in
            defer { taken = true }
            return !taken
        }
    }
}
