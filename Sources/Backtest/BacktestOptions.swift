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

    public init() {}
}
