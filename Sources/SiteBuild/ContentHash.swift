/// FNV-1a, 64-bit: a fast, stable hash for cache keys and asset fingerprints.
///
/// Not cryptographic and need not be: it detects changed files and names cache entries;
/// nobody gains from forging a collision with their own content.
struct ContentHash {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01b3
        }
    }

    mutating func add(_ string: String) {
        var copy = string
        copy.withUTF8 { add($0) }
        add([0])  // a separator, so ("ab", "c") and ("a", "bc") differ
    }

    static func of(_ string: String) -> UInt64 {
        var hash = ContentHash()
        hash.add(string)
        return hash.value
    }

    static func of(_ bytes: [UInt8]) -> UInt64 {
        var hash = ContentHash()
        hash.add(bytes)
        return hash.value
    }

    /// Six hex digits for a file name: `site.3f9a1c.css`.
    static func fingerprint(_ bytes: [UInt8]) -> String {
        let hex = String(of(bytes), radix: 16)
        return String(String(repeating: "0", count: max(0, 16 - hex.count)) + hex).prefix(6).description
    }
}
