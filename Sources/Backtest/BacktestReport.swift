import CasparianCore

/// What a backtest found: the numbers the CLI, CI and MCP report.
public struct BacktestReport: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        /// Every tested file passed the bar (`minPassRate`) and nothing was skipped.
        case passed
        case failed
        case cancelled
    }

    public var runID: String?
    public var plugin: String
    public var parserVersion: String
    public var contractVersion: Int?
    /// What judged the files: `contract v3`, `proven types (discovery disc_…)`,
    /// `proven types (accumulated)`; nil in reports from before it was recorded.
    public var judgedBy: String? = nil
    public var iteration: Int
    public var status: Status
    /// Passed ÷ tested, 0…1 (0 when nothing was tested).
    public var passRate: Double
    public var filesTotal: Int
    public var filesTested: Int
    public var filesPassed: Int
    public var filesFailed: Int
    public var filesSkipped: Int
    public var earlyStopped: Bool
    public var stopReason: String?
    /// Files that failed before this run: how many were tested and passed.
    public var knownBadTested: Int
    public var knownBadPassed: Int
    public var categories: [String: Int]
    public var clusters: [FailureCluster]
    /// Tested files, in the order they were visited.
    public var results: [FileResult]
    public var durationMilliseconds: Int
    /// Milliseconds until every formerly failing file had a verdict.
    public var knownBadVerdictMilliseconds: Int?
    /// What this parser version changed in the output of the files the
    /// previous version also parsed; nil without a previous version.
    public var changes: OutputChanges? = nil

    /// Failed files, worst first (known-bad, then by number of problems).
    public var worstFiles: [FileResult] {
        results.filter { $0.status == .failed }.sorted {
            if ($0.prior == .failing) != ($1.prior == .failing) { return $0.prior == .failing }
            return $0.problems.count + $0.moreProblems > $1.problems.count + $1.moreProblems
        }
    }
}

extension BacktestReport {
    /// One report of `results` gathered over several runs of the engine
    /// (the batches a node of a shared backtest ran), every file run.
    public init(
        plugin: PluginDirectory, results: [FileResult], contractVersion: Int?, judgedBy: String, corpusRoot: String?, minPassRate: Double,
        duration: Duration, cancelled: Bool
    ) {
        let passed = results.filter { $0.status == .passed }.count
        var categories: [String: Int] = [:]
        for r in results where r.status == .failed { categories[(r.category ?? .pluginError).rawValue, default: 0] += 1 }
        let rate = results.isEmpty ? 0 : Double(passed) / Double(results.count)
        self.init(
            runID: nil, plugin: plugin.name, parserVersion: plugin.version, contractVersion: contractVersion, judgedBy: judgedBy,
            iteration: 1, status: cancelled ? .cancelled : (rate >= minPassRate ? .passed : .failed), passRate: rate,
            filesTotal: results.count, filesTested: results.count, filesPassed: passed, filesFailed: results.count - passed,
            filesSkipped: 0, earlyStopped: false, stopReason: cancelled ? "cancelled" : nil,
            knownBadTested: results.filter { $0.prior == .failing }.count,
            knownBadPassed: results.filter { $0.prior == .failing && $0.status == .passed }.count, categories: categories,
            clusters: FailureAnalysis.clusters(of: results, relativeTo: corpusRoot), results: results,
            durationMilliseconds: duration.milliseconds, knownBadVerdictMilliseconds: nil)
    }
}
