import CasparianCore

/// `K/N`: the K-th of N disjoint, deterministic slices of a file list, so N
/// CI jobs together cover every file exactly once.
public struct Shard: Sendable, Equatable, Codable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    /// Parses `K/N` with 1 ≤ K ≤ N.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, k >= 1, k <= n else {
            throw CasparianError(
                .usage, "--shard takes K/N with 1 ≤ K ≤ N (got \"\(text)\")",
                hint: "e.g. --shard 1/4 … --shard 4/4 in four CI jobs")
        }
        index = k
        count = n
    }

    /// Whether a file (by its path relative to the corpus) belongs to this shard.
    /// The hash of the path decides, so adding files does not move others.
    public func contains(relativePath: String) -> Bool {
        let h = StableHash.hex(Array(relativePath.utf8))
        let value = UInt64(h, radix: 16) ?? 0
        return Int(value % UInt64(count)) == index - 1
    }

    public var description: String { "\(index)/\(count)" }
}
