import Foundation

/// Progress on stderr for anything that may take more than a second: a bar
/// with rate and ETA on a terminal, a plain line every few seconds
/// otherwise, nothing with `--quiet`. Thread-safe.
final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let label: String
    private let unit: String
    private let quiet: Bool
    private let tty = isatty(2) == 1
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(label: String, unit: String, quiet: Bool) {
        self.label = label
        self.unit = unit
        self.quiet = quiet
    }

    func update(done: Int, total: Int, detail: String = "") {
        guard !quiet else { return }
        lock.withLock {
            let now = Date()
            let elapsed = now.timeIntervalSince(started)
            guard elapsed > 1 || done == total else { return }
            let interval: TimeInterval = tty ? 0.1 : 5
            guard now.timeIntervalSince(lastDraw) >= interval || (done == total && drawn) else { return }
            lastDraw = now
            let rate = elapsed > 0 ? Double(done) / elapsed : 0
            let eta = rate > 0 ? Double(total - done) / rate : 0
            let stats = "\(done)/\(total) \(unit)  \(String(format: "%.1f", rate)) \(unit)/s  ETA \(Self.duration(eta))"
            if tty {
                let width = 24
                let filled = total > 0 ? min(width, done * width / total) : 0
                let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                var line = "\(label) \(bar) \(stats)"
                if !detail.isEmpty { line += "  \(detail)" }
                let max = TableRenderer.terminalWidth() - 1
                if line.count > max { line = String(line.prefix(max)) }
                FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
            } else {
                FileHandle.standardError.write(Data("\(label): \(stats)\(detail.isEmpty ? "" : "  \(detail)")\n".utf8))
            }
            drawn = true
        }
    }

    /// Clears the bar (on a terminal) before the results are printed.
    func finish() {
        lock.withLock {
            if tty && drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
            drawn = false
        }
    }

    static func duration(_ s: Double) -> String {
        if s < 60 { return "\(Int(s.rounded()))s" }
        if s < 3600 { return "\(Int(s) / 60)m\(Int(s) % 60)s" }
        return "\(Int(s) / 3600)h\((Int(s) % 3600) / 60)m"
    }
}
