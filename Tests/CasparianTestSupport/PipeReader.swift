import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Drains one pipe from a child on a thread of its own (so a full stderr
/// pipe cannot block the child while the test reads stdout), keeping all it
/// read. It polls, so it can be abandoned when a process the child left
/// behind holds the pipe open and EOF would never come.
final class PipeReader: @unchecked Sendable {
    private let condition = NSCondition()
    private var data = Data()
    private var atEOF = false
    private var abandoned = false
    /// Where the next `nextLine` starts in `data`.
    private var lineStart = 0

    /// Takes ownership of `fd` (the read end) and closes it when done.
    init(fd: Int32) {
        let thread = Thread { [self] in drain(fd) }
        thread.name = "PipeReader fd \(fd)"
        thread.start()
    }

    private func drain(_ fd: Int32) {
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            if condition.withLock({ abandoned }) { break }
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let polled = poll(&ready, 1, 100)
            if polled == 0 || (polled < 0 && errno == EINTR) { continue }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            condition.withLock {
                if n > 0 { data.append(contentsOf: buffer[0..<n]) }
                condition.broadcast()
            }
            if n <= 0 { break }
        }
        condition.withLock {
            atEOF = true
            condition.broadcast()
        }
    }

    /// Everything read so far.
    var captured: Data { condition.withLock { data } }

    /// Waits for EOF until `deadline`; false if it has not come by then.
    func waitForEOF(until deadline: Date) -> Bool {
        condition.withLock {
            while !atEOF { if !condition.wait(until: deadline) { break } }
            return atEOF
        }
    }

    /// Stops reading (what was read stays in `captured`).
    func abandon() {
        condition.withLock { abandoned = true }
    }

    enum Line {
        case line(String)
        case end
        case timedOut
    }

    /// The next line (without its newline), a last line without one at EOF,
    /// `.end` after that, or `.timedOut` when none is complete by `deadline`.
    func nextLine(until deadline: Date) -> Line {
        condition.withLock {
            while true {
                if let newline = data[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
                    defer { lineStart = newline + 1 }
                    return .line(String(decoding: data[lineStart..<newline], as: UTF8.self))
                }
                if atEOF {
                    guard lineStart < data.endIndex else { return .end }
                    defer { lineStart = data.endIndex }
                    return .line(String(decoding: data[lineStart...], as: UTF8.self))
                }
                if !condition.wait(until: deadline) { return .timedOut }
            }
        }
    }
}
