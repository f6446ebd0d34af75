/// NUL and control bytes among the bytes of a file: whether it is text or
/// binary, by their count and share, so that one stray NUL byte decides
/// nothing wherever it is. The format analyzer counts a file's first bytes, the CSV
/// reader the whole file, with the same rule.
public struct ByteCensus: Sendable, Equatable {
    /// Binary above this share of NUL bytes (text has none; a stray one in a
    /// export is data damage, not a format).
    public static let maxNULPercent = 1
    /// Binary above this share of control bytes (NUL included).
    public static let maxControlPercent = 3
    /// Fewer stray bytes than this decide nothing, whatever their share: one
    /// NUL byte in a 30-byte CSV is damage to a value, not a binary format.
    public static let minimumCount = 8

    public private(set) var bytes = 0
    public private(set) var nul = 0
    public private(set) var control = 0
    /// The offset of the first NUL byte, from the start of what was counted.
    public private(set) var firstNUL: Int?

    public init() {}

    public init(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { count($0) }
    }

    /// Counts `b`, the bytes that follow those already counted.
    public mutating func count(_ b: UnsafeBufferPointer<UInt8>) {
        var nul = 0
        var control = 0
        for (k, byte) in b.enumerated() where byte < 0x20 || byte == 0x7F {
            guard TextSample.isControl(byte) else { continue }
            control += 1
            if byte == 0 {
                if nul == 0 && firstNUL == nil { firstNUL = bytes + k }
                nul += 1
            }
        }
        self.nul += nul
        self.control += control
        bytes += b.count
    }

    public var isBinary: Bool { nulOverLimit || (control >= Self.minimumCount && control * 100 > bytes * Self.maxControlPercent) }

    private var nulOverLimit: Bool { nul >= Self.minimumCount && nul * 100 > bytes * Self.maxNULPercent }

    /// Why the bytes are binary: `412 NUL bytes (2.5% of 16384 bytes, over 1%), the first at offset 17`.
    public var reason: String? {
        guard isBinary else { return nil }
        if nulOverLimit { return nulText + " (\(percent(nul)) of \(bytes) bytes, over \(Self.maxNULPercent)%)" + firstText }
        return "\(control) control bytes (\(percent(control)) of \(bytes) bytes, over \(Self.maxControlPercent)%)"
            + (nul > 0 ? ", \(nulText)" + firstText : "")
    }

    /// For text with a few NUL bytes: `1 NUL byte at offset 20 (0.01% of 16384 bytes), read as text`.
    public var tolerated: String? {
        guard !isBinary, nul > 0, let firstNUL else { return nil }
        return nulText + (nul == 1 ? " at offset \(firstNUL)" : ", the first at offset \(firstNUL)")
            + " (\(percent(nul)) of \(bytes) bytes, at most \(Self.maxNULPercent)%), read as text"
    }

    private var nulText: String { nul == 1 ? "1 NUL byte" : "\(nul) NUL bytes" }
    private var firstText: String { firstNUL.map { ", the first at offset \($0)" } ?? "" }

    private func percent(_ n: Int) -> String {
        let p = Double(n) * 100 / Double(max(1, bytes))
        return p >= 0.1 ? "\((p * 10).rounded() / 10)%" : "\((p * 100).rounded() / 100)%"
    }
}
