import CasparianCore
import Foundation
import WireProtocol

/// Encoding and decoding rows frames against copying the same bytes.
enum FrameBench {
    static func run() throws {
        let rows = 1_000_000
        // Frames as a worker sends them: flushed at 256 KiB.
        var encoder = RowFrameEncoder()
        var payloads: [[UInt8]] = []
        let start = ContinuousClock.now
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
        let encoded = ContinuousClock.now - start
        // Each frame becomes a batch that a consumer takes and drops.
        var decodedRows = 0
        let decodeStart = ContinuousClock.now
        for payload in payloads {
            var batch = RowBatch(output: "o", columnNames: ["a", "b", "c", "d", "e"])
            _ = try RowFrameDecoder.decodeRows(payload, into: &batch)
            decodedRows += batch.rowCount
        }
        let decoded = ContinuousClock.now - decodeStart
        // Baseline: walking the same bytes once (a checksum), the least any decoder must do.
        let copyStart = ContinuousClock.now
        var sum: UInt64 = 0
        for payload in payloads {
            payload.withUnsafeBytes { raw in
                for w in raw.bindMemory(to: UInt8.self) { sum &+= UInt64(w) }
            }
        }
        let copied = ContinuousClock.now - copyStart
        let bytes = payloads.reduce(0) { $0 + $1.count }
        precondition(sum != 0 && decodedRows == rows)
        func rate(_ d: Duration) -> String {
            String(format: "%.2fM rows/s", Double(rows) / (Double(d.components.attoseconds) / 1e18 + Double(d.components.seconds)) / 1e6)
        }
        print(
            "frames: encode \(rate(encoded)), decode \(rate(decoded)) (1M rows x 5 columns, \(bytes >> 20) MiB in \(payloads.count) frames)"
        )
        print("frames: decode time / one checksum pass over the same bytes = \(String(format: "%.1f", decoded / copied))x")
    }
}
