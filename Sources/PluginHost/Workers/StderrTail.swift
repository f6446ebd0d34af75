#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Reads a worker's stderr (where the plugin's prints go too) on its own
/// thread and keeps the last lines for failure reports.
final class StderrTail: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    private var partial = ""
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
            let text = String(decoding: buffer[0..<n], as: UTF8.self)
            lock.lock()
            partial += text
            var parts = partial.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            partial = parts.removeLast()
            lines.append(contentsOf: parts)
            if lines.count > capacity { lines.removeFirst(lines.count - capacity) }
            lock.unlock()
        }
        close(fd)
        finished.signal()
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
        lock.lock()
        defer { lock.unlock() }
        var out = lines
        if !partial.isEmpty { out.append(partial) }
        return Array(out.suffix(capacity))
    }

    func clear() {
        lock.lock()
        lines.removeAll()
        partial = ""
        lock.unlock()
    }
}
