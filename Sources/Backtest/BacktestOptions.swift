/// How a backtest runs and when it stops early.
public struct BacktestOptions: Sendable, Equatable, Codable {
    /// Stop early when the files that failed before still fail.
    public var failFast = true
    /// Known-bad files tested before fail-fast may decide (fewer if there are fewer).
    public var minKnownBadTested = 5
    /// Fail-fast stops when the known-bad files' pass rate is below this.
    public var knownBadPassRateThreshold = 0.8
    /// The pass rate the run must reach to pass (CI's `--min-pass-rate`).
    public var minPassRate = 1.0
    /// Workers in parallel (nil: the pool's size).
    public var parallelism: Int?
    /// Problems kept per file (the rest are counted).
    public var maxProblemsPerFile = 20
    /// Only this shard of the files (CI's `--shard K/N`).
    public var shard: Shard?
    /// Visit files in a seeded random order instead of known-bad first: the
    /// baseline the benchmark compares the high-failure order against.
    public var randomOrderSeed: UInt64?
    /// Keep what this version makes of each file (cell hashes) and say what
    /// changed against the previous version (`BacktestReport.changes`).
    public var compareOutput = true

    public init() {}

    enum CodingKeys: String, CodingKey {
        case failFast, minKnownBadTested, knownBadPassRateThreshold, minPassRate, parallelism, maxProblemsPerFile, shard
        case randomOrderSeed, compareOutput
    }

    /// Options stored with jobs from before `compareOutput` compare.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        failFast = try c.decode(Bool.self, forKey: .failFast)
        minKnownBadTested = try c.decode(Int.self, forKey: .minKnownBadTested)
        knownBadPassRateThreshold = try c.decode(Double.self, forKey: .knownBadPassRateThreshold)
        minPassRate = try c.decode(Double.self, forKey: .minPassRate)
        parallelism = try c.decodeIfPresent(Int.self, forKey: .parallelism)
        maxProblemsPerFile = try c.decode(Int.self, forKey: .maxProblemsPerFile)
        shard = try c.decodeIfPresent(Shard.self, forKey: .shard)
        randomOrderSeed = try c.decodeIfPresent(UInt64.self, forKey: .randomOrderSeed)
        compareOutput = try c.decodeIfPresent(Bool.self, forKey: .compareOutput) ?? true
    }
}
