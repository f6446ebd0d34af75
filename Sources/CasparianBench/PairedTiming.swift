import Foundation

/// Times a baseline and a measured side the way scripts/bench/benchlib.py
/// does for whole processes: one warm-up run of each, then `count` pairs
/// back to back, the baseline first in even pairs and the measured side
/// first in odd ones. The script computes the statistic (the median of the
/// pairs' ratios and their range) from the raw pairs `report` prints.
enum PairedTiming {
    /// Each body runs once and returns the seconds it measured itself (so
    /// it can leave out preparing its input). Returns (baseline, measured) pairs.
    static func pairs(
        _ count: Int, baseline: () throws -> Double, measured: () throws -> Double
    ) rethrows -> [(baseline: Double, measured: Double)] {
        _ = try baseline()
        _ = try measured()
        var pairs: [(baseline: Double, measured: Double)] = []
        for k in 0..<count {
            if k % 2 == 0 {
                let b = try baseline()
                pairs.append((b, try measured()))
            } else {
                let m = try measured()
                pairs.append((try baseline(), m))
            }
        }
        return pairs
    }

    /// Wall seconds of `body`.
    static func wall(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        return seconds(ContinuousClock.now - start)
    }

    /// CPU seconds of this thread in `body`: "per core" figures stay honest
    /// on a machine shared with other work (wall time counts waiting).
    static func cpu(_ body: () throws -> Void) rethrows -> Double {
        let start = threadCPU()
        try body()
        return threadCPU() - start
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    private static func threadCPU() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Prints the pairs and `info` as the last line of output, one JSON
    /// object: {"pairs": [[baseline, measured], ...], "info": {...}}.
    static func report(_ pairs: [(baseline: Double, measured: Double)], info: [String: Double] = [:]) throws {
        let doc: [String: Any] = ["pairs": pairs.map { [$0.baseline, $0.measured] }, "info": info]
        let data = try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
