import Dispatch

/// Results written by index from several threads at once.
///
/// `@unchecked Sendable` is safe here because `parallelMap` gives every index to exactly one
/// iteration, so no two threads ever touch the same slot, and the buffer is read only after
/// `concurrentPerform` has returned (which joins all iterations).
private final class ResultSlots<T>: @unchecked Sendable {
    var slots: [T?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
}

extension Array where Element: Sendable {
    /// `map` spread over all cores; order is kept. Used for the per-file work of the build
    /// (parsing, rendering, writing), which is independent from file to file.
    func parallelMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        guard count > 1 else { return map(transform) }
        let results = ResultSlots<T>(count: count)
        // A few chunks per thread balance uneven file sizes without much scheduling overhead.
        let chunkCount = Swift.min(count, ProcessInfoCores.count * 8)
        let chunkSize = (count + chunkCount - 1) / chunkCount
        withoutActuallyEscaping(transform) { transform in
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                let start = chunk * chunkSize
                let end = Swift.min(start + chunkSize, count)
                guard start < end else { return }
                for index in start..<end { results.slots[index] = transform(self[index]) }
            }
        }
        return results.slots.map { $0! }
    }
}

/// The number of cores the build spreads work over.
enum ProcessInfoCores {
    static let count: Int = {
        #if canImport(Glibc)
        return Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 4
        #endif
    }()
}

#if canImport(Glibc)
import Glibc
#endif
