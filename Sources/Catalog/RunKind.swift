/// What a run (a job) does. Every run of every front door is one of these,
/// recorded in `runs.kind`.
public enum RunKind: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// A plugin over a scope, judged against its contract.
    case backtest
    /// A plugin over a scope, written into the output tables.
    case execute
    /// A parser (the built-in reader or a plugin) over files, proving types.
    case discover

    public var description: String { rawValue }
}

/// How one file of a run ended, as `run_files.status` records it.
public enum RunFileStatus: String, Codable, Sendable, CustomStringConvertible {
    /// A backtest: the file's output met the contract.
    case passed
    /// An execute: the file's rows were written.
    case ok
    /// Either kind: the file failed (its category says how).
    case failed

    public var description: String { rawValue }
}
