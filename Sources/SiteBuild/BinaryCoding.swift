/// A compact byte format for the build cache: varints and length-prefixed strings.
///
/// Loading the cache is on the critical path of a one-lesson rebuild; this reads tens of
/// thousands of entries in a few milliseconds, where JSON decoding took longer than the rebuild.
struct BinaryWriter {
    private(set) var bytes: [UInt8] = []

    mutating func write(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func write(_ value: Int) { write(UInt64(bitPattern: Int64(value))) }
    mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func write(_ value: String) {
        var value = value
        value.withUTF8 { buffer in
            write(buffer.count)
            bytes.append(contentsOf: buffer)
        }
    }

    mutating func write(_ value: String?) {
        write(value != nil)
        if let value { write(value) }
    }

    mutating func write(_ value: Int?) {
        write(value != nil)
        if let value { write(value) }
    }
}

/// Reads what `BinaryWriter` wrote; every read fails (returns `nil` from the caller's decode)
/// on truncated or foreign data, so a damaged cache means a full build, never a wrong one.
struct BinaryReader {
    struct Truncated: Error {}
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func readUInt64() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count, shift < 64 else { throw Truncated() }
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    mutating func readInt() throws -> Int { Int(Int64(bitPattern: try readUInt64())) }

    mutating func readBool() throws -> Bool {
        guard offset < bytes.count else { throw Truncated() }
        offset += 1
        return bytes[offset - 1] == 1
    }

    mutating func readString() throws -> String {
        let count = try readInt()
        guard count >= 0, offset + count <= bytes.count else { throw Truncated() }
        let string = bytes.withUnsafeBufferPointer { String(decoding: $0[offset..<offset + count], as: UTF8.self) }
        offset += count
        return string
    }

    mutating func readOptionalString() throws -> String? { try readBool() ? try readString() : nil }
    mutating func readOptionalInt() throws -> Int? { try readBool() ? try readInt() : nil }
}
