/// FNV-1a 64-bit: a stable, dependency-free content hash for versions and
/// change detection (not for security).
public enum StableHash {
    public static func value<D: Sequence>(_ bytes: D) -> UInt64 where D.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h
    }

    /// `value` as 16 hex digits.
    public static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        let s = String(value(bytes), radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
