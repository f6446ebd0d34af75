/// Parquet's RLE / bit-packed hybrid encoding of small unsigned integers
/// (definition levels and dictionary indices).
///
/// A run of 8 or more equal values becomes an RLE run; everything else is
/// bit-packed in groups of 8, LSB first. Only the last group is padded with
/// zeros: readers know how many values to take.
enum RLEHybridEncoder {
    /// Appends `values` encoded at `bitWidth` (1...32) to `out`, with no
    /// length prefix and no bit-width byte.
    static func encode(_ values: UnsafeBufferPointer<UInt32>, bitWidth: Int, into out: inout [UInt8]) {
        let n = values.count
        var literalStart = 0
        var literalGroups = 0
        var i = 0
        while i < n {
            let v = values[i]
            var run = 1
            while i + run < n && values[i + run] == v { run += 1 }
            if run >= 8 {
                if literalGroups > 0 {
                    packLiterals(values, from: literalStart, groups: literalGroups, bitWidth: bitWidth, into: &out)
                    literalGroups = 0
                }
                appendVarint(UInt64(run) << 1, to: &out)
                var value = v
                for _ in 0..<(bitWidth + 7) / 8 {
                    out.append(UInt8(truncatingIfNeeded: value))
                    value >>= 8
                }
                i += run
            } else {
                if literalGroups == 0 { literalStart = i }
                literalGroups += 1
                i += 8
            }
        }
        if literalGroups > 0 {
            packLiterals(values, from: literalStart, groups: literalGroups, bitWidth: bitWidth, into: &out)
        }
    }

    private static func packLiterals(
        _ values: UnsafeBufferPointer<UInt32>, from start: Int, groups: Int, bitWidth: Int, into out: inout [UInt8]
    ) {
        appendVarint(UInt64(groups) << 1 | 1, to: &out)
        let end = start + groups * 8
        var acc: UInt64 = 0
        var bits = 0
        for i in start..<end {
            let v = i < values.count ? UInt64(values[i]) : 0
            acc |= v << UInt64(bits)
            bits += bitWidth
            while bits >= 8 {
                out.append(UInt8(truncatingIfNeeded: acc))
                acc >>= 8
                bits -= 8
            }
        }
    }

    /// Booleans bit-packed LSB first with no header (PLAIN booleans).
    static func packBits(_ values: ArraySlice<Bool>, into out: inout [UInt8]) {
        var byte: UInt8 = 0
        var bit: UInt8 = 0
        for b in values {
            if b { byte |= 1 << bit }
            bit += 1
            if bit == 8 {
                out.append(byte)
                byte = 0
                bit = 0
            }
        }
        if bit > 0 { out.append(byte) }
    }

    /// The bits needed for values up to `maxValue` (at least 1).
    static func bitWidth(maxValue: Int) -> Int {
        max(1, Int.bitWidth - maxValue.leadingZeroBitCount)
    }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}
