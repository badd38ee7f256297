import Foundation
import Synchronization

/// A token bucket per client address: `perMinute` requests, refilled continuously, so a burst
/// up to the limit is allowed and a steady stream is held to it. In memory and per process:
/// enough for one host; a shared limiter would live in the store.
public final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: TimeInterval
    }

    public let perMinute: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    public init(perMinute: Int) {
        self.perMinute = perMinute
    }

    /// Takes one token for `key`; when none is left, returns the seconds until one is.
    public func take(_ key: String, now: TimeInterval = Date().timeIntervalSince1970) -> Int? {
        let capacity = Double(perMinute)
        let perSecond = capacity / 60
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * perSecond)
            bucket.updated = now
            defer {
                buckets[key] = bucket
                // Forget idle clients now and then so the table cannot grow without bound.
                if buckets.count > 10_000 {
                    buckets = buckets.filter { now - $0.value.updated < 60 }
                }
            }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
        }
    }
}
