/// One backtest in the history of a plugin's iterations.
public struct IterationSummary: Codable, Sendable, Equatable {
    public var iteration: Int
    public var parserVersion: String
    public var passRate: Double
    public var filesPassed: Int
    public var filesFailed: Int
    public var categories: [String: Int]
    public var durationMilliseconds: Int
    public var earlyStopped: Bool

    public init(
        iteration: Int, parserVersion: String, passRate: Double, filesPassed: Int, filesFailed: Int,
        categories: [String: Int], durationMilliseconds: Int, earlyStopped: Bool
    ) {
        self.iteration = iteration
        self.parserVersion = parserVersion
        self.passRate = passRate
        self.filesPassed = filesPassed
        self.filesFailed = filesFailed
        self.categories = categories
        self.durationMilliseconds = durationMilliseconds
        self.earlyStopped = earlyStopped
    }

    public init(_ r: BacktestReport) {
        self.init(
            iteration: r.iteration, parserVersion: r.parserVersion, passRate: r.passRate, filesPassed: r.filesPassed,
            filesFailed: r.filesFailed, categories: r.categories, durationMilliseconds: r.durationMilliseconds,
            earlyStopped: r.earlyStopped)
    }
}

/// When the fix–backtest loop should end.
public struct IterationPolicy: Sendable, Equatable {
    public var targetPassRate = 1.0
    public var maxIterations = 10
    /// Iterations without a better pass rate than before them that count as a plateau.
    public var plateauWindow = 3
    /// Total time the loop may take, summed over iterations (nil: no limit).
    public var timeBudgetMilliseconds: Int?

    public init() {}

    public enum Verdict: String, Codable, Sendable {
        case passRateReached = "pass_rate_reached"
        case maxIterations = "max_iterations"
        case plateau
        case timeout
        case stoppedByUser = "stopped_by_user"
        /// None of the above: another fix may help.
        case continuing
    }

    /// The verdict after the latest iteration of `history` (oldest first).
    public func verdict(history: [IterationSummary], cancelled: Bool = false) -> Verdict {
        if cancelled { return .stoppedByUser }
        guard let last = history.last else { return .continuing }
        if !last.earlyStopped && last.passRate >= targetPassRate { return .passRateReached }
        if history.count >= maxIterations { return .maxIterations }
        if let budget = timeBudgetMilliseconds, history.reduce(0, { $0 + $1.durationMilliseconds }) >= budget { return .timeout }
        if plateauWindow > 0, history.count > plateauWindow {
            let before = history.dropLast(plateauWindow).map(\.passRate).max() ?? 0
            let recent = history.suffix(plateauWindow).map(\.passRate).max() ?? 0
            if recent <= before { return .plateau }
        }
        return .continuing
    }
}
