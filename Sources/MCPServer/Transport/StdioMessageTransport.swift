import Foundation
import Logging
import MCP

#if canImport(Glibc)
    import Glibc
#endif

/// The MCP stdio transport: newline-delimited JSON-RPC on two file
/// descriptors.
///
/// Replaces the SDK's `StdioTransport`, which made the descriptors
/// non-blocking, slept 10 ms on `EAGAIN` in the middle of a message while
/// another reply wrote its own bytes (corrupting both when the client read
/// slowly), and rescanned its whole buffer for a newline after every 4 KiB
/// read (quadratic in a message's size). Here a thread of its own reads
/// (blocking, `poll` if the descriptor is non-blocking anyway) through a
/// `MessageFramer` with a size limit; a serial queue writes each message
/// whole before the next; malformed messages are answered by
/// `JSONRPCScreen` and never reach the SDK.
public actor StdioMessageTransport: Transport {
    /// Bytes one incoming message may have; longer ones get an error reply.
    public static let defaultMaxMessageBytes = 8 << 20

    public nonisolated let logger: Logger
    private let input: Int32
    private let output: Int32
    private let maxMessageBytes: Int
    private let writer = DispatchQueue(label: "casparian.mcp.stdio-writer")
    private let messages: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private var connected = false

    public init(input: Int32, output: Int32, maxMessageBytes: Int = defaultMaxMessageBytes, logger: Logger) {
        self.input = input
        self.output = output
        self.maxMessageBytes = maxMessageBytes
        self.logger = logger
        (messages, continuation) = AsyncThrowingStream.makeStream()
    }

    public func connect() async throws {
        guard !connected else { return }
        connected = true
        let transport = self
        let reader = Thread { [input, maxMessageBytes, continuation, logger] in
            Self.readLoop(
                input: input, maxMessageBytes: maxMessageBytes, logger: logger,
                deliver: { continuation.yield($0) },
                refuse: { reply in Task { try? await transport.send(reply) } })
            continuation.finish()
        }
        reader.name = "casparian.mcp.stdio-reader"
        reader.start()
    }

    public func disconnect() async {
        guard connected else { return }
        connected = false
        continuation.finish()
    }

    /// Writes `data` and a newline, all of it before any other message.
    public func send(_ data: Data) async throws {
        guard connected else { throw MCPError.transportError(POSIXError(.ENOTCONN)) }
        var bytes = data
        bytes.append(UInt8(ascii: "\n"))
        let line = bytes
        let output = self.output
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            writer.async {
                let failure = Self.writeAll(line, to: output)
                if let failure { done.resume(throwing: MCPError.transportError(failure)) } else { done.resume() }
            }
        }
    }

    public func receive() -> AsyncThrowingStream<Data, any Error> { messages }

    private static func readLoop(
        input: Int32, maxMessageBytes: Int, logger: Logger,
        deliver: (Data) -> Void, refuse: @escaping @Sendable (Data) -> Void
    ) {
        var framer = MessageFramer(maxMessageBytes: maxMessageBytes)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n == 0 {
                logger.debug("stdin: end of file")
                return
            }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    waitUntilReady(input, events: Int16(POLLIN))
                    continue
                }
                logger.error("stdin: read failed (errno \(errno))")
                return
            }
            let events = buffer.withUnsafeBytes { framer.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            for event in events {
                switch event {
                case .message(let message):
                    if let reply = JSONRPCScreen.refusal(for: message) {
                        logger.notice("refused a malformed message of \(message.count) bytes")
                        refuse(reply)
                    } else {
                        deliver(message)
                    }
                case .tooLarge(let bytes):
                    logger.notice("refused a message of \(bytes) bytes (limit \(maxMessageBytes))")
                    refuse(JSONRPCScreen.tooLarge(bytes: bytes, limit: maxMessageBytes))
                }
            }
        }
    }

    /// nil once every byte is written; the errno otherwise.
    private static func writeAll(_ data: Data, to fd: Int32) -> POSIXError? {
        data.withUnsafeBytes { bytes -> POSIXError? in
            var offset = 0
            while offset < bytes.count {
                let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n >= 0 {
                    offset += n
                    continue
                }
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    waitUntilReady(fd, events: Int16(POLLOUT))
                    continue
                }
                return POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            return nil
        }
    }

    private static func waitUntilReady(_ fd: Int32, events: Int16) {
        var p = pollfd(fd: fd, events: events, revents: 0)
        _ = poll(&p, 1, -1)
    }
}
