/// What the high-failure table knows about one file before a backtest.
public struct FileHistory: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// Failed last time it was tested.
        case failing(consecutiveFailures: Int)
        /// Failed before, passes now: re-tested early as a regression check.
        case resolved
        case neverTested
        case passing
    }
    public var path: String
    public var state: State
    public init(path: String, state: State) {
        self.path = path
        self.state = state
    }
}

/// The order a backtest visits files: active high-failure files (most
/// consecutive failures first), then resolved ones, then never tested, then
/// passing. Ties keep path order so runs are reproducible.
public enum FileOrdering {
    public static func order(_ files: [FileHistory]) -> [FileHistory] {
        files.sorted { a, b in
            let ra = rank(a.state)
            let rb = rank(b.state)
            if ra.0 != rb.0 { return ra.0 < rb.0 }
            if ra.1 != rb.1 { return ra.1 > rb.1 }
            return a.path < b.path
        }
    }

    private static func rank(_ s: FileHistory.State) -> (Int, Int) {
        switch s {
        case .failing(let n): return (0, n)
        case .resolved: return (1, 0)
        case .neverTested: return (2, 0)
        case .passing: return (3, 0)
        }
    }
}
