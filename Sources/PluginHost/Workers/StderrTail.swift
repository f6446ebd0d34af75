import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a worker's stderr (where the plugin's prints go too) on its own
/// thread and keeps the last lines for failure reports.
///
/// Each byte is looked at once, and what is kept is bounded: `capacity`
/// lines of at most `maxLineBytes` each (a longer line keeps its end). A
/// carriage return not followed by a newline redraws the line, as on a
/// terminal, so `\r` progress output keeps only its last state. (Splitting
/// the whole pending text on every read made a plugin printing 6.4 MB of
/// `\r` progress wait 77 s on a full pipe.)
final class StderrTail: @unchecked Sendable {
    static let maxLineBytes = 4096

    private let lock = NSLock()
    private var lines: [String] = []
    private var partial: [UInt8] = []
    /// The pending line lost its start (it was longer than `maxLineBytes`).
    private var partialCut = false
    /// The last byte read was a `\r`: a `\n` next ends the line, anything
    /// else starts it over.
    private var pendingReturn = false
    private let capacity: Int
    private let finished = DispatchSemaphore(value: 0)
    private let fd: Int32
    private let echo: Bool

    init(fd: Int32, capacity: Int, echo: Bool) {
        self.fd = fd
        self.capacity = max(1, capacity)
        self.echo = echo
        let t = Thread { [self] in self.readLoop() }
        t.name = "casparian-worker-stderr"
        t.start()
    }

    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            if echo { _ = buffer.withUnsafeBytes { Glibc.write(2, $0.baseAddress!, n) } }
            lock.withLock { buffer.withUnsafeBufferPointer { take(UnsafeBufferPointer(rebasing: $0[0..<n])) } }
        }
        close(fd)
        finished.signal()
    }

    /// Adds bytes read (under `lock`).
    private func take(_ bytes: UnsafeBufferPointer<UInt8>) {
        var start = 0  // the first byte not yet added to `partial`
        for i in 0..<bytes.count {
            let b = bytes[i]
            if pendingReturn {
                pendingReturn = false
                if b != UInt8(ascii: "\n") { restartLine() }
            }
            switch b {
            case UInt8(ascii: "\n"):
                append(bytes, start, i)
                endLine()
                start = i + 1
            case UInt8(ascii: "\r"):
                append(bytes, start, i)
                pendingReturn = true
                start = i + 1
            default:
                continue
            }
        }
        append(bytes, start, bytes.count)
    }

    private func append(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) {
        guard to > from else { return }
        partial.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[from..<to]))
        // Trimmed only past twice the bound, so trimming stays linear overall.
        if partial.count > 2 * Self.maxLineBytes {
            partial.removeFirst(partial.count - Self.maxLineBytes)
            partialCut = true
        }
    }

    private func restartLine() {
        partial.removeAll(keepingCapacity: true)
        partialCut = false
    }

    private func endLine() {
        lines.append(pendingLine())
        if lines.count > 2 * capacity { lines.removeFirst(lines.count - capacity) }
        restartLine()
    }

    private func pendingLine() -> String {
        let kept = partial.suffix(Self.maxLineBytes)
        let text = String(decoding: kept, as: UTF8.self)
        return partialCut || kept.count < partial.count ? "…" + text : text
    }

    /// Waits (briefly) for pending output to be read, then returns the tail.
    func snapshot(waitForEOF: Bool) -> [String] {
        if waitForEOF {
            _ = finished.wait(timeout: .now() + 1)
            finished.signal()
        } else {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            var spins = 0
            while poll(&p, 1, 0) > 0 && p.revents & Int16(POLLIN) != 0 && spins < 10 {
                usleep(5_000)
                spins += 1
            }
        }
        return lock.withLock {
            var out = lines.suffix(capacity)
            if !partial.isEmpty { out.append(pendingLine()) }
            return Array(out.suffix(capacity))
        }
    }

    func clear() {
        lock.withLock {
            lines.removeAll()
            restartLine()
            pendingReturn = false
        }
    }
}
