import CasparianCore
import Digest
import Foundation

/// An opaque page cursor for `query_output`: the offset of the next page,
/// bound to the statement it pages and sealed with an HMAC-SHA256 under a
/// key made when the process starts.
///
/// A client can only hand back offsets this server produced: a forged or
/// edited cursor (say, an offset near 2^62 that would overflow the row
/// arithmetic) fails the seal and is refused with an `isError` result.
/// Cursors do not outlive the server process.
enum QueryCursor {
    /// The largest offset a cursor may carry; far beyond what paging of
    /// at most 1,000 rows a call reaches, far below any overflow.
    static let maxOffset = 1 << 40

    /// 32 random bytes, one set per process.
    static let key: [UInt8] = {
        var rng = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
    }()

    static func encode(sql: String, offset: Int) -> String {
        let body = "\(StableHash.hex(sql.utf8)):\(offset)"
        return Data("\(body):\(HMACSHA256.hex(key: key, message: Array(body.utf8)))".utf8).base64EncodedString()
    }

    static func decode(_ cursor: String, sql: String) throws -> Int {
        let parts =
            Data(base64Encoded: cursor).flatMap { String(data: $0, encoding: .utf8) }?
            .split(separator: ":", omittingEmptySubsequences: false) ?? []
        guard parts.count == 3 else { throw invalid("it is not one this server returned") }
        let body = "\(parts[0]):\(parts[1])"
        guard HMACSHA256.constantTimeEqual(Array(parts[2].utf8), Array(HMACSHA256.hex(key: key, message: Array(body.utf8)).utf8)) else {
            throw invalid("it was not issued by this server process (it was altered, or the server restarted since)")
        }
        guard parts[0] == StableHash.hex(sql.utf8) else {
            throw CasparianError(
                .usage, "cursor belongs to a different sql statement",
                hint: "send the same sql as the page that returned the cursor, or omit cursor to start at the first row")
        }
        guard let offset = Int(parts[1]), (0...maxOffset).contains(offset) else {
            throw invalid("its offset is out of range")
        }
        return offset
    }

    private static func invalid(_ why: String) -> CasparianError {
        CasparianError(
            .usage, "cursor is not valid: \(why)",
            hint: "pass the next_cursor of the previous page unchanged, or omit cursor to start at the first row")
    }
}
