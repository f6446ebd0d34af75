import CasparianCore
import Foundation
import Testing

@testable import Inference

@Suite("Streaming inference")
struct StreamingInferenceTests {
    static let sales = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/sales/data")

    @Test func salesCorpusFindsTheDayFirstFiles() throws {
        var inference = StreamingInference()
        let files = try FileManager.default.subpathsOfDirectory(atPath: Self.sales.path)
            .filter { $0.hasSuffix(".csv") }.sorted()
        for f in files { try inference.feed(csvFile: Self.sales.appendingPathComponent(f).path, name: f) }
        let result = inference.finish()
        #expect(result.files == files.count)
        let columns = try #require(result.outputs.first).columns
        let byName = Dictionary(uniqueKeysWithValues: columns.map { ($0.name, $0) })
        let date = try #require(byName["order_date"])
        #expect(date.status == .contradiction)
        let q = try #require(date.question)
        #expect(q.contains("eu/"))
        #expect(q.contains("day-first"))
        let amount = try #require(byName["amount"])
        #expect(amount.type == .float64)
        #expect(amount.nullable)
        #expect(amount.nullSentinels.contains("N/A"))
        let discount = try #require(byName["discount"])
        #expect(discount.nullable)
        #expect(byName["order_id"]?.type == .int64)
    }

    @Test func batchesFromPluginsAndAbsentColumns() throws {
        var inference = StreamingInference()
        var b1 = RowBatch(output: "sales", columnNames: ["id", "when"])
        b1.append(row: [.int(1), .date(days: 10)])
        inference.feed(batch: b1, file: "a")
        var b2 = RowBatch(output: "sales", columnNames: ["id", "when", "discount"])
        b2.append(row: [.int(2), .date(days: 11), .float(0.5)])
        inference.feed(batch: b2, file: "b")
        let r = inference.finish()
        #expect(r.rows == 2 && r.files == 2)
        let cols = try #require(r.outputs.first?.columns)
        #expect(cols.map(\.name) == ["id", "when", "discount"])
        #expect(cols[0].type == .int64 && !cols[0].nullable)
        #expect(cols[1].type == .date && cols[1].format == nil)
        #expect(cols[2].type == .float64 && cols[2].nullable)
    }

    @Test func earlyStopOnceEverythingIsSettled() throws {
        var text = "id,name\n"
        for i in 0..<50_000 { text += "\(i + 1),n\(i)\n" }
        let path = try CSVReaderTests.temp(text)
        var inference = StreamingInference(options: InferenceOptions(earlyStopValues: 1000))
        let reader = try inference.feed(csvFile: path)
        #expect(reader.recordsRead < 50_000)
        #expect(inference.finish().outputs[0].columns[0].type == .int64)
    }
}
