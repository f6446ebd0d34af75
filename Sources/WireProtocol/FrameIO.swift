import CasparianCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a frame could not be read or written.
public enum FrameError: Error, Sendable, Equatable, CustomStringConvertible {
    case closed
    case truncated
    case unknownKind(UInt8)
    case tooLarge(Int)
    /// A length that cannot start a frame (zero: not even a kind byte).
    case badLength(Int)
    case io(errno: Int32, operation: String)

    /// Whether the stream simply ended (the writer is gone), rather than
    /// carrying bytes that are no frame.
    public var isEndOfStream: Bool {
        switch self {
        case .closed, .truncated: return true
        case .unknownKind, .tooLarge, .badLength, .io: return false
        }
    }

    public var description: String {
        switch self {
        case .closed: return "the pipe is closed"
        case .truncated: return "the stream ended inside a frame"
        case .unknownKind(let k): return "a frame of unknown kind \(k)"
        case .tooLarge(let n): return "a frame of \(n) bytes (the limit is \(Frame.maxPayload >> 20) MiB)"
        case .badLength(let n): return "a frame length of \(n)"
        case .io(let e, let op): return "\(op) failed: \(String(cString: strerror(e)))"
        }
    }
}

/// Writes frames to a file descriptor, blocking until each is fully written.
/// A full pipe blocks the writer: that is the protocol's backpressure.
public final class FrameWriter: Sendable {
    public let fd: Int32
    /// Whether a write to a pipe whose reader is gone must fail with EPIPE
    /// even in a process that does not ignore SIGPIPE (a host embedding the
    /// pool, a test runner): SIGPIPE is blocked for the writing thread, and
    /// one it raised is taken before it is unblocked.
    private let ignoringSIGPIPE: Bool

    public init(fd: Int32, ignoringSIGPIPE: Bool = false) {
        self.fd = fd
        self.ignoringSIGPIPE = ignoringSIGPIPE
    }

    public func write(_ frame: Frame) throws(FrameError) {
        let result = frame.payload.withUnsafeBytes { p in Result { () throws(FrameError) in try write(kind: frame.kind, payload: p) } }
        try result.get()
    }

    public func write(kind: Frame.Kind, payload: [UInt8] = []) throws(FrameError) {
        try write(Frame(kind: kind, payload: payload))
    }

    /// Writes one frame from borrowed bytes, with no copy of the payload.
    public func write(kind: Frame.Kind, payload: UnsafeRawBufferPointer) throws(FrameError) {
        try write(kind: kind, parts: [payload])
    }

    /// Writes one frame whose payload is `parts` one after another (a rows
    /// frame's header and columns): header and parts leave by `writev`, in
    /// one call when there are at most `IOV_MAX` of them, with no copy.
    public func write(kind: Frame.Kind, parts payload: [UnsafeRawBufferPointer]) throws(FrameError) {
        guard ignoringSIGPIPE else { return try writeFrame(kind: kind, parts: payload) }
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
        defer {
            var pending = sigset_t()
            if sigismember(&previous, SIGPIPE) == 0, sigpending(&pending) == 0, sigismember(&pending, SIGPIPE) == 1 {
                var now = timespec()
                _ = sigtimedwait(&pipeSignal, nil, &now)
            }
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        try writeFrame(kind: kind, parts: payload)
    }

    private func writeFrame(kind: Frame.Kind, parts payload: [UnsafeRawBufferPointer]) throws(FrameError) {
        let length = payload.reduce(1) { $0 + $1.count }
        var header: (UInt32, UInt8) = (UInt32(length).littleEndian, kind.rawValue)
        let result = withUnsafeMutableBytes(of: &header) { h in
            Result { () throws(FrameError) in
                var parts = [iovec(iov_base: h.baseAddress, iov_len: 5)]
                parts.reserveCapacity(payload.count + 1)
                for p in payload where p.count > 0 {
                    parts.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: p.baseAddress), iov_len: p.count))
                }
                let maxParts = 1024  // IOV_MAX on Linux and Darwin
                var first = 0
                while first < parts.count {
                    let n = parts.withUnsafeBufferPointer {
                        Glibc.writev(fd, $0.baseAddress! + first, Int32(min(parts.count - first, maxParts)))
                    }
                    if n < 0 {
                        if errno == EINTR { continue }
                        if errno == EPIPE { throw .closed }
                        throw .io(errno: errno, operation: "write")
                    }
                    // Skip what was written: whole parts, then into the next one.
                    var left = n
                    while first < parts.count && left >= parts[first].iov_len {
                        left -= parts[first].iov_len
                        first += 1
                    }
                    if left > 0 {
                        parts[first].iov_base = parts[first].iov_base! + left
                        parts[first].iov_len -= left
                    }
                }
            }
        }
        try result.get()
    }
}

/// Reads frames from a file descriptor through a buffer.
public final class FrameReader {
    public let fd: Int32
    /// A pidfd of the process writing the frames: once it has exited, what
    /// it wrote is read and then the stream counts as ended, even while
    /// another process (a plugin's daemon) still holds the pipe open.
    private let writerExit: Int32?
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0

    public init(fd: Int32, bufferSize: Int = 1 << 16, writerExit: Int32? = nil) {
        self.fd = fd
        self.writerExit = writerExit
        self.buffer = [UInt8](repeating: 0, count: bufferSize)
    }

    /// Waits until `fd` can be read; false when the writer has exited and
    /// nothing is left to read.
    private func awaitReadable() throws(FrameError) -> Bool {
        guard let writerExit else { return true }
        var fds = [
            pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
            pollfd(fd: writerExit, events: Int16(POLLIN), revents: 0),
        ]
        while poll(&fds, 2, -1) < 0 {
            if errno != EINTR { throw .io(errno: errno, operation: "poll") }
        }
        if fds[0].revents != 0 { return true }
        // The writer has exited: everything it wrote is in the pipe already.
        var pipe = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&pipe, 1, 0) > 0
    }

    /// The next frame, or `nil` at a clean end of stream (between frames).
    public func next() throws(FrameError) -> Frame? {
        guard try fill(atLeast: 5, allowEOF: true) else { return nil }
        var length: UInt32 = 0
        withUnsafeMutableBytes(of: &length) { dst in
            for i in 0..<4 { dst[i] = buffer[start + i] }
        }
        let total = Int(UInt32(littleEndian: length))
        guard total >= 1 else { throw .badLength(total) }
        guard total - 1 <= Frame.maxPayload else { throw .tooLarge(total) }
        let kindByte = buffer[start + 4]
        guard let kind = Frame.Kind(rawValue: kindByte) else { throw .unknownKind(kindByte) }
        start += 5
        let payloadLength = total - 1
        if payloadLength <= buffer.count {
            guard try fill(atLeast: payloadLength, allowEOF: false) else { throw .truncated }
            let payload = Array(buffer[start..<(start + payloadLength)])
            start += payloadLength
            return Frame(kind: kind, payload: payload)
        }
        // Larger than the buffer: take what is buffered, then read the rest
        // straight into the payload (not zero-filled first: every byte is read).
        let buffered = end - start
        var failure: FrameError?
        let payload = [UInt8](unsafeUninitializedCapacity: payloadLength) { out, count in
            buffer.withUnsafeBytes { b in
                UnsafeMutableRawPointer(out.baseAddress!).copyMemory(from: b.baseAddress! + start, byteCount: buffered)
            }
            var offset = buffered
            while offset < payloadLength {
                do throws(FrameError) {
                    guard try awaitReadable() else {
                        failure = .truncated
                        break
                    }
                } catch {
                    failure = error
                    break
                }
                let n = Glibc.read(fd, out.baseAddress! + offset, payloadLength - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = .io(errno: errno, operation: "read")
                    break
                }
                if n == 0 {
                    failure = .truncated
                    break
                }
                offset += n
            }
            // On failure the bytes are discarded; count them all as written
            // only when all were read.
            count = failure == nil ? payloadLength : 0
        }
        start = 0
        end = 0
        if let failure { throw failure }
        return Frame(kind: kind, payload: payload)
    }

    /// Ensures `count` bytes are buffered. Returns false on EOF with nothing buffered.
    private func fill(atLeast count: Int, allowEOF: Bool) throws(FrameError) -> Bool {
        if end - start >= count { return true }
        if start > 0 {
            let live = end - start
            if live > 0 {
                buffer.withUnsafeMutableBytes { b in
                    _ = memmove(b.baseAddress!, b.baseAddress! + start, live)
                }
            }
            start = 0
            end = live
        }
        while end < count {
            let n =
                try awaitReadable()
                ? buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + end, $0.count - end) }
                : 0
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(errno: errno, operation: "read")
            }
            if n == 0 {
                if end == 0 && allowEOF { return false }
                throw .truncated
            }
            end += n
        }
        return true
    }
}
