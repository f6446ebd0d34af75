import CasparianCore
import Foundation
import WireProtocol

/// Decoding rows frames (as the host does) against one checksum pass over
/// the same bytes, the least any decoder must do; encoding is printed too.
enum FrameBench {
    static let rows = 1_000_000

    static func run() throws {
        // Frames as a worker sends them: flushed at 256 KiB.
        var payloads: [[UInt8]] = []
        let encoded = PairedTiming.wall { payloads = encode() }
        var decodedRows = 0
        var sum: UInt64 = 0
        let pairs = try PairedTiming.pairs(
            7,
            baseline: {
                PairedTiming.wall {
                    for payload in payloads {
                        payload.withUnsafeBytes { raw in
                            for w in raw.bindMemory(to: UInt8.self) { sum &+= UInt64(w) }
                        }
                    }
                }
            },
            measured: {
                // Each frame becomes a batch that a consumer takes and drops.
                try PairedTiming.wall {
                    decodedRows = 0
                    for payload in payloads {
                        var batch = RowBatch(output: "o", columnNames: ["a", "b", "c", "d", "e"])
                        _ = try RowFrameDecoder.decodeRows(payload, into: &batch)
                        decodedRows += batch.rowCount
                    }
                }
            })
        let bytes = payloads.reduce(0) { $0 + $1.count }
        precondition(sum != 0 && decodedRows == rows)
        let decoded = pairs.map(\.measured).sorted()[pairs.count / 2]
        print(
            String(
                format: "frames: encode %.2fM rows/s, decode %.2fM rows/s (median run; 1M rows x 5 columns, %d MiB in %d frames)",
                Double(rows) / encoded / 1e6, Double(rows) / decoded / 1e6, bytes >> 20, payloads.count))
        try PairedTiming.report(pairs, info: ["decode_rows_per_second": Double(rows) / decoded])
    }

    static func encode() -> [[UInt8]] {
        var encoder = RowFrameEncoder()
        var payloads: [[UInt8]] = []
        encoder.beginRows(outputID: 0, columnCount: 5)
        for i in 0..<rows {
            encoder.appendInt(Int64(i))
            encoder.appendFloat(Double(i) * 0.5)
            encoder.appendString(cell: "row-\(i & 1023)")
            encoder.appendDate(days: Int32(i % 20000))
            encoder.appendBool(i & 1 == 0)
            encoder.endRow()
            if encoder.byteCount >= 1 << 18 || i == rows - 1 {
                payloads.append(encoder.finishRows())
                encoder.beginRows(outputID: 0, columnCount: 5)
            }
        }
        return payloads
    }
}
