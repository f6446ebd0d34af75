import CasparianCore
import Foundation
import PluginHost

/// Encoding and decoding rows frames against copying the same bytes.
enum FrameBench {
    static func run() throws {
        let rows = 1_000_000
        var encoder = RowFrameEncoder(capacity: 64 << 20)
        let start = ContinuousClock.now
        encoder.beginRows(outputID: 0, columnCount: 5)
        for i in 0..<rows {
            encoder.appendInt(Int64(i))
            encoder.appendFloat(Double(i) * 0.5)
            encoder.appendString(cell: "row-\(i & 1023)")
            encoder.appendDate(days: Int32(i % 20000))
            encoder.appendBool(i & 1 == 0)
            encoder.endRow()
        }
        let payload = encoder.finishRows()
        let encoded = ContinuousClock.now - start
        var batch = RowBatch(output: "o", columnNames: ["a", "b", "c", "d", "e"])
        let decodeStart = ContinuousClock.now
        _ = try RowFrameDecoder.decodeRows(payload, into: &batch)
        let decoded = ContinuousClock.now - decodeStart
        // Baseline: walking the same bytes once (a checksum), the least any decoder must do.
        let copyStart = ContinuousClock.now
        var sum: UInt64 = 0
        payload.withUnsafeBytes { raw in
            for w in raw.bindMemory(to: UInt8.self) { sum &+= UInt64(w) }
        }
        let copied = ContinuousClock.now - copyStart
        precondition(sum != 0 && batch.rowCount == rows)
        func rate(_ d: Duration) -> String {
            String(format: "%.2fM rows/s", Double(rows) / (Double(d.components.attoseconds) / 1e18 + Double(d.components.seconds)) / 1e6)
        }
        print("frames: encode \(rate(encoded)), decode \(rate(decoded)) (1M rows x 5 columns, \(payload.count >> 20) MiB)")
        print("frames: decode time / one checksum pass over the same bytes = \(String(format: "%.1f", decoded / copied))x")
    }
}
