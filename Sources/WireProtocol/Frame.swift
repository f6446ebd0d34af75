/// One message on the pipe between the host and a worker.
///
/// On the wire: a 4-byte little-endian length of what follows, one byte of
/// kind, then the payload. Control messages carry JSON; row data is binary
/// (see `RowFrameEncoder`), because Python's `json` is the cost to avoid.
public struct Frame: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        // host → worker
        case parseFile = 1
        case shutdown = 2
        // worker → host
        case ready = 10
        case loadFailed = 11
        case columns = 12
        case rows = 13
        case log = 14
        case progress = 15
        case fileDone = 16
        case fileFailed = 17
    }

    /// Frames larger than this are a protocol error, not an allocation.
    public static let maxPayload = 256 * 1024 * 1024

    public var kind: Kind
    public var payload: [UInt8]

    public init(kind: Kind, payload: [UInt8] = []) {
        self.kind = kind
        self.payload = payload
    }
}
