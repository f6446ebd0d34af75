import Foundation

/// What a backtest remembers about files between runs: the high-failure
/// table. The catalog keeps it for workspaces; CI runs without a workspace
/// use the in-memory one.
public protocol HighFailureStore: Sendable {
    /// The state of each path before this run (missing paths: never tested;
    /// a store may also return other files of the scope).
    func history(plugin: String, scopeKey: String, paths: [String]) throws -> [String: FileHistory.State]
    /// Records a run's verdicts: failures add to the counts and history;
    /// a pass resets consecutive failures and marks history resolved.
    func record(plugin: String, scopeKey: String, iteration: Int, parserVersion: String, results: [FileResult]) throws
}

/// The high-failure table in memory, for runs without a workspace and tests.
public final class InMemoryHighFailureStore: HighFailureStore, @unchecked Sendable {
    private struct Entry {
        var failures = 0
        var consecutive = 0
        var everFailed = false
        var tested = false
    }
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    public init() {}

    public func history(plugin: String, scopeKey: String, paths: [String]) throws -> [String: FileHistory.State] {
        lock.withLock {
            var out: [String: FileHistory.State] = [:]
            for p in paths {
                guard let e = entries["\(plugin)|\(scopeKey)|\(p)"], e.tested else { continue }
                out[p] = e.consecutive > 0 ? .failing(consecutiveFailures: e.consecutive) : (e.everFailed ? .resolved : .passing)
            }
            return out
        }
    }

    public func record(plugin: String, scopeKey: String, iteration: Int, parserVersion: String, results: [FileResult]) throws {
        lock.withLock {
            for r in results {
                let k = "\(plugin)|\(scopeKey)|\(r.path)"
                var e = entries[k] ?? Entry()
                e.tested = true
                if r.status == .failed {
                    e.failures += 1
                    e.consecutive += 1
                    e.everFailed = true
                } else {
                    e.consecutive = 0
                }
                entries[k] = e
            }
        }
    }
}
