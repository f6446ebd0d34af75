extension NullSentinels {
    /// The standard sentinels in a fixed order, so a column can remember
    /// which it saw as bits of a `UInt64`.
    static let ordered: [[UInt8]] = standard.sorted().map { Array($0.utf8) }
    static let longest = ordered.map(\.count).max() ?? 0
    /// At least `longest` (a test checks), as a literal so the hot path
    /// reads a constant.
    static let maxLength = 9

    /// For each first byte, whether some sentinel starts with it: rejects
    /// most values (digits, most letters) with one load.
    nonisolated(unsafe) static let firstBytes: UnsafeMutablePointer<Bool> = {
        let table = UnsafeMutablePointer<Bool>.allocate(capacity: 256)
        table.initialize(repeating: false, count: 256)
        for s in ordered where !s.isEmpty { table[Int(s[0])] = true }
        return table
    }()

    /// The index in `ordered` of the sentinel the trimmed bytes are, or nil.
    @inline(__always)
    static func index(of b: UnsafeBufferPointer<UInt8>) -> Int? {
        index(of: b, firstBytes: firstBytes, emptyIndex: emptyIndex)
    }

    @inline(__always)
    static func index(of b: UnsafeBufferPointer<UInt8>, firstBytes: UnsafeMutablePointer<Bool>, emptyIndex: Int) -> Int? {
        guard b.count <= maxLength else { return nil }
        if b.isEmpty { return emptyIndex }
        guard firstBytes[Int(b[0])] else { return nil }
        return slowIndex(of: b)
    }

    static let emptyIndex = ordered.firstIndex(of: []) ?? 0

    private static func slowIndex(of b: UnsafeBufferPointer<UInt8>) -> Int? {
        outer: for (k, s) in ordered.enumerated() where s.count == b.count {
            for j in 0..<s.count where s[j] != b[j] { continue outer }
            return k
        }
        return nil
    }

    /// The sentinel texts for a set of bits from `index(of:)`.
    static func texts(_ bits: UInt64) -> [String] {
        ordered.indices.filter { bits & (1 << UInt64($0)) != 0 }.map { String(decoding: ordered[$0], as: UTF8.self) }
    }
}

extension NullSentinels {
    /// The index of `NaN`, reported when a plugin yields a float NaN.
    static let nanIndex = ordered.firstIndex(of: Array("NaN".utf8))
}
