#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The distinct byte arrays of a column chunk, in order of first
/// appearance, and each value's index among them: what dictionary
/// encoding writes. An open-addressing hash table over the entries.
struct ByteArrayDictionary {
    /// The entries back to back, and where each ends.
    private(set) var bytes: [UInt8] = []
    private(set) var ends: [Int] = []
    /// PLAIN size of the entries (a 4-byte length each, then the bytes).
    var plainBytes: Int { bytes.count + 4 * ends.count }
    var count: Int { ends.count }

    private var hashes: [UInt64] = []
    /// Entry index + 1 per slot; 0 is empty. The count is a power of two.
    private var slots: [Int32] = Array(repeating: 0, count: 1024)

    /// Builds the dictionary of `values` (byte arrays ending at `valueEnds`
    /// in `valueBytes`, the first starting at `firstStart`), or nil once its
    /// PLAIN size would pass `maxBytes`. `indices` gets one index per value.
    static func build(
        valueBytes: UnsafeBufferPointer<UInt8>, valueEnds: ArraySlice<Int>, firstStart: Int, maxBytes: Int,
        indices: inout [UInt32]
    ) -> ByteArrayDictionary? {
        var dictionary = ByteArrayDictionary()
        indices.removeAll(keepingCapacity: true)
        indices.reserveCapacity(valueEnds.count)
        var start = firstStart
        for end in valueEnds {
            let value = UnsafeBufferPointer(rebasing: valueBytes[start..<end])
            indices.append(dictionary.index(of: value))
            if dictionary.plainBytes > maxBytes { return nil }
            start = end
        }
        return dictionary
    }

    /// The entry `i`.
    func entry(_ i: Int) -> ArraySlice<UInt8> {
        bytes[(i == 0 ? 0 : ends[i - 1])..<ends[i]]
    }

    /// The index of `value`, added when new.
    private mutating func index(of value: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let hash = Self.hash(value)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let e = Int(slots[slot])
            if e == 0 { break }
            if hashes[e - 1] == hash && equals(entry: e - 1, value) { return UInt32(e - 1) }
            slot = (slot + 1) & mask
        }
        bytes.append(contentsOf: value)
        ends.append(bytes.count)
        hashes.append(hash)
        slots[slot] = Int32(ends.count)
        if ends.count * 2 > slots.count { grow() }
        return UInt32(ends.count - 1)
    }

    private func equals(entry i: Int, _ value: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = i == 0 ? 0 : ends[i - 1]
        guard ends[i] - start == value.count else { return false }
        return bytes.withUnsafeBufferPointer { all in
            value.isEmpty || memcmp(all.baseAddress! + start, value.baseAddress!, value.count) == 0
        }
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (i, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(i + 1)
        }
    }

    /// A fast non-cryptographic hash: 8 bytes at a time, multiply-mixed.
    private static func hash(_ value: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(value.count)
        guard let base = value.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= value.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < value.count {
            tail |= UInt64(base[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 31)
    }
}
