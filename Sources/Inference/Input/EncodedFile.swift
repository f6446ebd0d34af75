import CasparianCore

/// Reads a file in chunks and hands them out as UTF-8, decompressing gzip
/// and converting UTF-16 and Latin-1 on the way. Memory stays at one chunk
/// plus its conversion.
final class EncodedFile {
    let path: String
    let encoding: CSVDialect.Encoding
    private let source: any ByteSource
    private var raw: [UInt8]
    private var converted: [UInt8] = []
    /// A UTF-16 code unit byte (or surrogate) carried to the next chunk.
    private var carry: [UInt8] = []
    private var skippedBOM = false
    /// NUL and control bytes of the content read so far (UTF-8 and Latin-1
    /// only: zero bytes are part of UTF-16), offsets from the content's start.
    private(set) var census = ByteCensus()
    static let chunkSize = 1 << 20

    init(path: String, encoding: CSVDialect.Encoding) throws {
        self.path = path
        self.encoding = encoding
        source = try InputFile.open(path)
        raw = [UInt8](repeating: 0, count: EncodedFile.chunkSize)
    }

    /// The next chunk as UTF-8, or nil at end of file.
    func next<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R? {
        let got = try raw.withUnsafeMutableBytes { try source.read(into: $0) }
        guard got > 0 || !carry.isEmpty else { return nil }
        var start = 0
        if !skippedBOM {
            skippedBOM = true
            start = raw.withUnsafeBufferPointer { EncodingSniffer.markLength(UnsafeBufferPointer(rebasing: $0[..<got]), encoding) }
        }
        if encoding != .utf16LE && encoding != .utf16BE {
            raw.withUnsafeBufferPointer { census.count(UnsafeBufferPointer(rebasing: $0[..<got])) }
        }
        switch encoding {
        case .utf8, .utf8BOM:
            if got == 0 { return nil }
            return try raw.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<got])) }
        case .latin1:
            if got == 0 { return nil }
            converted.removeAll(keepingCapacity: true)
            for k in start..<got {
                let b = raw[k]
                if b < 0x80 {
                    converted.append(b)
                } else {
                    converted.append(0xC0 | (b >> 6))
                    converted.append(0x80 | (b & 0x3F))
                }
            }
            return try converted.withUnsafeBufferPointer(body)
        case .utf16LE, .utf16BE:
            let units = carry + raw[start..<got]
            carry.removeAll()
            converted.removeAll(keepingCapacity: true)
            var k = 0
            let little = encoding == .utf16LE
            func unit(_ at: Int) -> UInt32 {
                little ? UInt32(units[at]) | UInt32(units[at + 1]) << 8 : UInt32(units[at]) << 8 | UInt32(units[at + 1])
            }
            while k + 1 < units.count {
                var scalar = unit(k)
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    if k + 3 >= units.count {
                        if got > 0 { break }  // the low surrogate is in the next chunk
                        scalar = 0xFFFD
                        k += 2
                    } else {
                        let low = unit(k + 2)
                        if low >= 0xDC00 && low < 0xE000 {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            k += 4
                        } else {
                            scalar = 0xFFFD
                            k += 2
                        }
                    }
                } else {
                    if scalar >= 0xDC00 && scalar < 0xE000 { scalar = 0xFFFD }
                    k += 2
                }
                appendUTF8(scalar)
            }
            if k < units.count && got > 0 { carry = Array(units[k...]) }
            if converted.isEmpty && got == 0 { return nil }
            return try converted.withUnsafeBufferPointer(body)
        }
    }

    private func appendUTF8(_ s: UInt32) {
        switch s {
        case 0..<0x80: converted.append(UInt8(s))
        case 0x80..<0x800:
            converted.append(UInt8(0xC0 | (s >> 6)))
            converted.append(UInt8(0x80 | (s & 0x3F)))
        case 0x800..<0x10000:
            converted.append(UInt8(0xE0 | (s >> 12)))
            converted.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            converted.append(UInt8(0x80 | (s & 0x3F)))
        default:
            converted.append(UInt8(0xF0 | (s >> 18)))
            converted.append(UInt8(0x80 | ((s >> 12) & 0x3F)))
            converted.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            converted.append(UInt8(0x80 | (s & 0x3F)))
        }
    }
}
