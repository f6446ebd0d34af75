// libFuzzer target: the CSV sniffer and tokenizer. The input is a file's
// content: sniffed from its head, then read to the end by CSVReader with
// the sniffed dialect (small blocks, so records straddle block edges), and
// the offsets of its first records mapped back to line numbers.
import Foundation

@testable import Inference

let csvPath = FileManager.default.temporaryDirectory.appendingPathComponent("casparian-fuzz-csv-\(getpid()).csv").path

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let dialect = CSVSniffer.sniff(head: bytes)
    _ = CSVSniffer.sniff(head: Array(bytes.prefix(size / 2)), truncated: true)
    guard FileManager.default.createFile(atPath: csvPath, contents: Data(bytes)) else { fatalError("cannot write \(csvPath)") }
    for chosen in [dialect, nil] {
        guard let reader = try? CSVReader(path: csvPath, dialect: chosen) else { continue }
        reader.blockSize = 7
        var offsets: [Int] = []
        try? reader.forEachBatch(output: "fuzz") { batch in
            precondition(batch.columns.count == reader.columnNames.count, "a batch's width differs from the header's")
            return true
        }
        if let start = reader.firstRaggedOffset { offsets.append(start) }
        if let start = reader.unterminatedQuoteOffset { offsets.append(start) }
        _ = try? reader.lines(at: offsets, countAll: true)
    }
    return 0
}
