import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Splits a byte stream into newline-delimited messages, in time linear in
/// the bytes fed, and refuses a message longer than `maxMessageBytes`
/// without holding it: its bytes are dropped up to the next newline.
struct MessageFramer {
    enum Event: Equatable {
        case message(Data)
        /// A message of `bytes` (at least) was longer than the limit and dropped.
        case tooLarge(bytes: Int)
    }

    let maxMessageBytes: Int
    private var pending: [UInt8] = []
    /// Bytes of an oversized message dropped so far (0 when not dropping).
    private var dropped = 0

    init(maxMessageBytes: Int) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// Feeds `bytes` and returns the messages (and refusals) they complete.
    /// Each byte is looked at once (`memchr`), so framing is linear.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) -> [Event] {
        var events: [Event] = []
        guard let base = bytes.baseAddress else { return events }
        var start = 0
        while start < bytes.count {
            guard let hit = memchr(base + start, Int32(UInt8(ascii: "\n")), bytes.count - start) else {
                take(UnsafeRawBufferPointer(rebasing: bytes[start...]))
                break
            }
            let newline = base.distance(to: UnsafeRawPointer(hit))
            take(UnsafeRawBufferPointer(rebasing: bytes[start..<newline]))
            start = newline + 1
            if dropped > 0 {
                events.append(.tooLarge(bytes: dropped))
                dropped = 0
            } else if !pending.isEmpty {
                if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
                if !pending.isEmpty { events.append(.message(Data(pending))) }
            }
            pending.removeAll(keepingCapacity: pending.capacity <= 1 << 20)
        }
        return events
    }

    /// Adds part of a line, or counts it as dropped once the line is too long.
    private mutating func take(_ part: UnsafeRawBufferPointer) {
        if dropped > 0 {
            dropped += part.count
        } else if pending.count + part.count > maxMessageBytes {
            dropped = pending.count + part.count
            pending = []
        } else {
            pending.append(contentsOf: part)
        }
    }
}
