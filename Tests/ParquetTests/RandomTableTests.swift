import CasparianCore
import CasparianTestSupport
import Foundation
import Parquet
import Testing

@Suite("Random tables read back by pyarrow and DuckDB")
struct RandomTableTests {
    /// Random tables (types, nullability, null ratios, edge values, row
    /// counts, row group and page sizes, dictionary limits, codecs), all
    /// read in one Python run: values by both readers, row groups and
    /// statistics by pyarrow.
    @Test(.timeLimit(.minutes(10)))
    func randomTablesRoundTrip() throws {
        var rng = SplitMix64(seed: 0x5A1E_5EED)
        let dir = try TemporaryFolder.create("parquet-random")
        var tables: [RandomTable] = []
        var paths: [String] = []
        for i in 0..<40 {
            let rows =
                i % 5 == 0
                ? Int.random(in: 20_000...50_000, using: &rng)
                : [0, 1, 9, Int.random(in: 0...2000, using: &rng), Int.random(in: 0...5000, using: &rng)].randomElement(using: &rng)!
            let table = RandomTable(&rng, rows: rows)
            let path = dir.appendingPathComponent("t\(i).parquet").path
            let summary = try table.write(to: path)
            #expect(summary.rows == table.rowCount)
            tables.append(table)
            paths.append(path)
        }
        let reads = try ParquetReaders.read(paths)
        var dictionaryChunks = 0
        var plainStringChunks = 0
        var multiPage = false
        var multiGroup = false
        for (i, (table, read)) in zip(tables, reads).enumerated() {
            try #require(read.error == nil, "file \(i): \(read.error ?? "")")
            #expect(read.pyarrow["numRows"] as? Int == table.rowCount, "file \(i)")
            #expect(read.duckdb["numRows"] as? Int == table.rowCount, "file \(i)")
            for reader in ["pyarrow", "duckdb"] {
                let values = read.values(reader)
                for (c, field) in table.fields.enumerated() {
                    let expected = table.expected[c].map { canonical($0, as: field.type) }
                    #expect(values[field.name] == expected, "file \(i) \(reader) \(field.name) \(field.type)")
                }
            }
            var first = 0
            for (g, group) in read.rowGroups.enumerated() {
                let rows = group["rows"] as? Int ?? 0
                #expect(rows > 0 && rows <= table.options.rowGroupRows, "file \(i) row group \(g)")
                for (c, field) in table.fields.enumerated() {
                    let chunk = read.chunk(g, c)
                    let want = RandomTable.statistics(table.expected[c][first..<first + rows], field.type)
                    #expect(chunk["nullCount"] as? Int == want.nulls, "file \(i) group \(g) \(field.name)")
                    #expect(chunk["min"] as? String == want.min, "file \(i) group \(g) \(field.name) min")
                    #expect(chunk["max"] as? String == want.max, "file \(i) group \(g) \(field.name) max")
                    let encodings = chunk["encodings"] as? [String] ?? []
                    if field.type == .string {
                        if encodings.contains("RLE_DICTIONARY") { dictionaryChunks += 1 } else { plainStringChunks += 1 }
                    }
                    if rows > 1 && table.options.pageBytes == 16 { multiPage = true }
                }
                first += rows
            }
            #expect(first == table.rowCount, "file \(i): row groups cover every row")
            if read.rowGroups.count > 1 { multiGroup = true }
        }
        #expect(dictionaryChunks > 0 && plainStringChunks > 0, "both string encodings exercised")
        #expect(multiPage && multiGroup)
        #expect(tables.reduce(0) { $0 + $1.rowCount } > 100_000)
        #expect(tables.contains { $0.rowCount == 0 })
    }
}
