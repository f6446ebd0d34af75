/// Finds the text encoding of a file's first bytes: a byte-order mark,
/// UTF-16 without one, UTF-8, else Latin-1.
enum EncodingSniffer {
    struct Detection: Equatable {
        var encoding: CSVDialect.Encoding
        /// Why, when the bytes alone said so (UTF-16 without a byte-order mark).
        var evidence: String?
    }

    static func detect(_ b: [UInt8], truncated: Bool) -> Detection {
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { return Detection(encoding: .utf8BOM) }
        if b.starts(with: [0xFF, 0xFE]) { return Detection(encoding: .utf16LE) }
        if b.starts(with: [0xFE, 0xFF]) { return Detection(encoding: .utf16BE) }
        if let utf16 = utf16WithoutBOM(b, truncated: truncated) { return utf16 }
        return Detection(encoding: isValidUTF8(b, allowTruncatedEnd: truncated) ? .utf8 : .latin1)
    }

    /// UTF-16 text without a byte-order mark, by its zero bytes: text made
    /// mostly of Latin letters, digits and punctuation has a zero high byte
    /// in most code units (≥ 30 %: the odd offsets for little-endian, the
    /// even ones for big-endian) and seldom a zero low byte (≤ 10 %). To
    /// rule out binary data that happens to have that pattern (arrays of
    /// small 16-bit numbers), the units must then decode as text: no C0
    /// controls other than tab, LF, FF and CR (at most 1 %), no
    /// noncharacters, no broken surrogate pairs.
    static func utf16WithoutBOM(_ b: [UInt8], truncated: Bool) -> Detection? {
        let units = b.count / 2
        guard units >= 4 else { return nil }
        var zeroEven = 0
        var zeroOdd = 0
        for k in 0..<units {
            if b[2 * k] == 0 { zeroEven += 1 }
            if b[2 * k + 1] == 0 { zeroOdd += 1 }
        }
        let encoding: CSVDialect.Encoding
        let zeroHigh: Int
        // Zero low bytes are rarer than zero high bytes but not absent:
        // U+0100, U+4E00 and low surrogates such as the one of 😀 (U+DE00).
        if zeroOdd * 10 >= units * 3 && zeroEven * 10 <= units {
            (encoding, zeroHigh) = (.utf16LE, zeroOdd)
        } else if zeroEven * 10 >= units * 3 && zeroOdd * 10 <= units {
            (encoding, zeroHigh) = (.utf16BE, zeroEven)
        } else {
            return nil
        }
        let little = encoding == .utf16LE
        func unit(_ k: Int) -> UInt16 {
            let (lo, hi) = little ? (b[2 * k], b[2 * k + 1]) : (b[2 * k + 1], b[2 * k])
            return UInt16(lo) | UInt16(hi) << 8
        }
        var control = 0
        var k = 0
        while k < units {
            let u = unit(k)
            k += 1
            switch u {
            case 9, 10, 12, 13: continue
            case 0..<0x20, 0x7F, 0xFFFE, 0xFFFF: control += 1
            case 0xD800..<0xDC00:
                guard k < units else { if truncated { continue } else { return nil } }
                guard (0xDC00..<0xE000).contains(unit(k)) else { return nil }
                k += 1
            case 0xDC00..<0xE000: return nil
            default: continue
            }
        }
        guard control * 100 <= units else { return nil }
        let side = little ? "odd" : "even"
        let share = zeroHigh * 100 / units
        return Detection(
            encoding: encoding,
            evidence: "no byte-order mark: \(share)% of the bytes at \(side) offsets are zero high bytes of UTF-16 characters")
    }

    static func isValidUTF8(_ b: [UInt8], allowTruncatedEnd: Bool) -> Bool {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 {
                i += 1
                continue
            }
            let len: Int
            switch c {
            case 0xC2...0xDF: len = 2
            case 0xE0...0xEF: len = 3
            case 0xF0...0xF4: len = 4
            default: return false
            }
            if i + len > n { return allowTruncatedEnd }
            for k in 1..<len where b[i + k] & 0xC0 != 0x80 { return false }
            i += len
        }
        return true
    }

    /// The byte-order mark `b` starts with for `encoding`, in bytes (0 when none).
    static func markLength(_ b: UnsafeBufferPointer<UInt8>, _ encoding: CSVDialect.Encoding) -> Int {
        switch encoding {
        case .utf8BOM: return b.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        case .utf16LE: return b.starts(with: [0xFF, 0xFE]) ? 2 : 0
        case .utf16BE: return b.starts(with: [0xFE, 0xFF]) ? 2 : 0
        case .utf8, .latin1: return 0
        }
    }

    /// A head of bytes as UTF-8 (byte-order mark dropped).
    static func decode(_ head: [UInt8], _ encoding: CSVDialect.Encoding) -> [UInt8] {
        let start = head.withUnsafeBufferPointer { markLength($0, encoding) }
        switch encoding {
        case .utf8, .utf8BOM: return Array(head[start...])
        case .latin1:
            var out: [UInt8] = []
            out.reserveCapacity(head.count)
            for b in head {
                if b < 0x80 { out.append(b) } else { out += [0xC0 | (b >> 6), 0x80 | (b & 0x3F)] }
            }
            return out
        case .utf16LE, .utf16BE:
            var units: [UInt16] = []
            units.reserveCapacity(head.count / 2)
            var k = start
            while k + 1 < head.count {
                let (a, b) = (UInt16(head[k]), UInt16(head[k + 1]))
                units.append(encoding == .utf16LE ? a | b << 8 : a << 8 | b)
                k += 2
            }
            return Array(String(decoding: units, as: UTF16.self).utf8)
        }
    }
}
