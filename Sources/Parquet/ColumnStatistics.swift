#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A column chunk's statistics: its nulls and, PLAIN encoded, its smallest
/// and largest value in the type's order (nil when there is none to give).
struct ColumnStatistics {
    var nullCount: Int
    var min: [UInt8]?
    var max: [UInt8]?

    /// Longer string bounds are left out rather than truncated.
    static let maxStringBoundBytes = 64

    static func plain<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
        withUnsafeBytes(of: v.littleEndian) { Array($0) }
    }

    static func integers<T: FixedWidthInteger>(_ values: ArraySlice<T>, nullCount: Int) -> ColumnStatistics {
        guard let lo = values.min(), let hi = values.max() else { return ColumnStatistics(nullCount: nullCount) }
        return ColumnStatistics(nullCount: nullCount, min: plain(lo), max: plain(hi))
    }

    /// NaN is ignored; a zero bound is written as -0 when a minimum and +0
    /// when a maximum, as the spec asks, so either zero is covered.
    static func doubles(_ values: ArraySlice<Double>, nullCount: Int) -> ColumnStatistics {
        var lo = Double.infinity
        var hi = -Double.infinity
        var any = false
        for v in values where !v.isNaN {
            any = true
            if v < lo { lo = v }
            if v > hi { hi = v }
        }
        guard any else { return ColumnStatistics(nullCount: nullCount) }
        if lo == 0 { lo = -0.0 }
        if hi == 0 { hi = 0.0 }
        return ColumnStatistics(nullCount: nullCount, min: plain(lo.bitPattern), max: plain(hi.bitPattern))
    }

    static func booleans(_ values: ArraySlice<Bool>, nullCount: Int) -> ColumnStatistics {
        guard !values.isEmpty else { return ColumnStatistics(nullCount: nullCount) }
        let hasFalse = values.contains(false)
        let hasTrue = values.contains(true)
        return ColumnStatistics(nullCount: nullCount, min: [hasFalse ? 0 : 1], max: [hasTrue ? 1 : 0])
    }

    /// Byte arrays in unsigned byte order, each `value(i)` for i in 0..<count.
    static func byteArrays(count: Int, nullCount: Int, _ value: (Int) -> UnsafeBufferPointer<UInt8>) -> ColumnStatistics {
        guard count > 0 else { return ColumnStatistics(nullCount: nullCount) }
        var lo = value(0)
        var hi = lo
        for i in 1..<count {
            let v = value(i)
            if compare(v, lo) < 0 { lo = v }
            if compare(v, hi) > 0 { hi = v }
        }
        guard lo.count <= maxStringBoundBytes && hi.count <= maxStringBoundBytes else { return ColumnStatistics(nullCount: nullCount) }
        return ColumnStatistics(nullCount: nullCount, min: Array(lo), max: Array(hi))
    }

    private static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = Swift.min(a.count, b.count)
        if n > 0 {
            let c = memcmp(a.baseAddress!, b.baseAddress!, n)
            if c != 0 { return Int(c) }
        }
        return a.count - b.count
    }
}
