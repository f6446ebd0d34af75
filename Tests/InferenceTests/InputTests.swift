import CasparianCore
import Foundation
import Testing

@testable import Inference

/// Raw input: UTF-16 without a byte-order mark, and gzip read as a stream.
@Suite("Input decoding")
struct InputTests {
    static let text = "name,city,n\nZoë,Zürich,1\n中文,東京,2\nEmoji 😀,Oslo,3\n"

    static func utf16(_ s: String, little: Bool) -> [UInt8] {
        s.utf16.flatMap { u in little ? [UInt8(u & 0xFF), UInt8(u >> 8)] : [UInt8(u >> 8), UInt8(u & 0xFF)] }
    }

    static func rows(_ path: String) throws -> (CSVReader, [[String]]) { try CSVReaderTests().rows(path) }

    @Test(arguments: [true, false])
    func utf16WithoutBOMIsDetectedAndDecoded(little: Bool) throws {
        let path = try CSVReaderTests.temp(Self.utf16(Self.text, little: little))
        let (r, rows) = try Self.rows(path)
        #expect(r.dialect.encoding == (little ? .utf16LE : .utf16BE))
        #expect(r.columnNames == ["name", "city", "n"])
        #expect(rows == [["Zoë", "Zürich", "1"], ["中文", "東京", "2"], ["Emoji 😀", "Oslo", "3"]])
        let a = try FormatAnalyzer.analyze(path: path)
        #expect(a.format == .csv)
        let evidence = try #require(a.evidence.first { $0.hasPrefix("encoding utf-16") })
        #expect(evidence.contains(little ? "utf-16le" : "utf-16be") && evidence.contains("no byte-order mark"))
    }

    /// Several 1 MiB chunks, so UTF-16 units and surrogate pairs are cut at
    /// chunk edges; and the solver sees typed columns.
    @Test func largeUTF16WithoutBOMStreams() throws {
        var s = "id,label,amount\n"
        for i in 0..<60_000 { s += "\(i),é😀\(i % 7),\(i % 100).5\n" }
        let path = try CSVReaderTests.temp(Self.utf16(s, little: true))
        var inference = StreamingInference()
        let reader = try inference.feed(csvFile: path)
        #expect(reader.recordsRead == 60_000)
        let columns = try #require(inference.finish().outputs.first?.columns)
        #expect(columns.map(\.type) == [.int64, .string, .float64])
    }

    /// Binary data must not pass for UTF-16: random bytes, little 16-bit
    /// numbers (zero high bytes, but control characters), UTF-32 text.
    @Test func binaryIsNotMistakenForUTF16() {
        var rng = SplitMix64(seed: 3)
        let random = (0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let smallNumbers = (0..<2048).flatMap { i -> [UInt8] in [UInt8(i % 29 + 1), 0] }
        let utf32 = "id,name\n1,Ann\n2,Bo\n".unicodeScalars.flatMap { s -> [UInt8] in [UInt8(s.value), 0, 0, 0] }
        let sparse = (0..<2048).flatMap { i -> [UInt8] in i % 3 == 0 ? [0, 0] : [UInt8(65 + i % 26), 0] }
        for (name, bytes) in [("random", random), ("int16", smallNumbers), ("utf-32", utf32), ("nul runs", sparse)] {
            #expect(EncodingSniffer.utf16WithoutBOM(bytes, truncated: false) == nil, "\(name)")
            let a = FormatAnalyzer.analyze(head: bytes, size: bytes.count)
            #expect(a.format == .binary, "\(name): \(a.format) \(a.evidence)")
        }
        // Plain ASCII and UTF-8 stay what they are.
        #expect(EncodingSniffer.detect(Array("a,b\n1,2\n".utf8), truncated: false).encoding == .utf8)
        #expect(EncodingSniffer.detect(Array("név,ár\nZoë,1\n".utf8), truncated: false).encoding == .utf8)
    }

    // MARK: gzip

    static var gzipAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/gzip") }

    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        Array(try GeneratedFormats.compress(Data(bytes), tool: "gzip"))
    }

    static func bigCSV(rows: Int) -> String {
        var s = "id,day,price,note\n"
        for i in 0..<rows { s += "\(i),2024-\(String(format: "%02d", i % 12 + 1))-15,\(i % 1000).25,\"text, \(i % 13)\"\n" }
        return s
    }

    @Test(.enabled(if: gzipAvailable))
    func gzipIsReadAsAStreamByItsMagicBytes() throws {
        let text = Self.bigCSV(rows: 120_000)  // ~4 MB: several chunks in and out
        let path = try CSVReaderTests.temp(try Self.gzip(Array(text.utf8)), name: "orders.data")  // the name says nothing
        var inference = StreamingInference()
        let reader = try inference.feed(csvFile: path)
        #expect(reader.recordsRead == 120_000)
        #expect(reader.columnNames == ["id", "day", "price", "note"])
        let columns = try #require(inference.finish().outputs.first?.columns)
        #expect(columns.map(\.type) == [.int64, .date, .float64, .string])
        #expect(columns[1].format == "%Y-%m-%d")
    }

    @Test(.enabled(if: gzipAvailable))
    func analyzerReportsTheContentOfGzip() throws {
        let csv = try CSVReaderTests.temp(try Self.gzip(Array(Self.bigCSV(rows: 5000).utf8)), name: "a.csv.gz")
        let a = try FormatAnalyzer.analyze(path: csv)
        #expect(a.format == .csv && a.compression == .gzip && a.label == "csv (gzip)")
        #expect(a.delimiter == ",")
        #expect(a.evidence.first?.hasPrefix("gzip magic 1F 8B") == true)
        let json = try CSVReaderTests.temp(try Self.gzip(Array("{\"a\": 1}\n{\"a\": 2}\n{\"a\": 3}\n".utf8)), name: "b.gz")
        #expect(try FormatAnalyzer.analyze(path: json).label == "jsonl (gzip)")
        let utf16 = try CSVReaderTests.temp(try Self.gzip(Self.utf16(Self.text, little: false)), name: "c.gz")
        let (r, rows) = try Self.rows(utf16)
        #expect(r.dialect.encoding == .utf16BE && rows.count == 3)
        #expect(try FormatAnalyzer.analyze(path: utf16).label == "csv (gzip)")
        // Magic bytes without a gzip stream behind them.
        #expect(FormatAnalyzer.analyze(head: [0x1F, 0x8B, 0x08] + [UInt8](repeating: 7, count: 64), size: 10_000).format == .gzip)
    }

    @Test(.enabled(if: gzipAvailable))
    func concatenatedMembersReadAsOneStream() throws {
        let bytes = try Self.gzip(Array("id,v\n1,a\n".utf8)) + Self.gzip(Array("2,b\n3,c\n".utf8))
        let (_, rows) = try Self.rows(try CSVReaderTests.temp(bytes))
        #expect(rows == [["1", "a"], ["2", "b"], ["3", "c"]])
    }

    /// A cut or damaged .gz is a `data` error naming the file, from the
    /// reader and from discovery's feed: never a crash, never silent.
    @Test(.enabled(if: gzipAvailable))
    func truncatedAndCorruptGzipAreClearErrors() throws {
        let full = try Self.gzip(Array(Self.bigCSV(rows: 50_000).utf8))
        let cut = try CSVReaderTests.temp(Array(full.prefix(full.count * 2 / 3)), name: "cut.csv.gz")
        var inference = StreamingInference()
        let truncated = #expect(throws: CasparianError.self) { try inference.feed(csvFile: cut) }
        #expect(truncated?.kind == .data)
        #expect(truncated?.message.contains("cut.csv.gz") == true)
        #expect(truncated?.message.contains("ends early") == true)
        let tiny = try CSVReaderTests.temp(Array(try Self.gzip(Array("a,b\n1,2\n".utf8)).prefix(12)), name: "tiny.gz")
        #expect((#expect(throws: CasparianError.self) { try CSVReader(path: tiny) })?.message.contains("ends early") == true)

        var damaged = full
        for k in stride(from: damaged.count / 2, to: damaged.count / 2 + 64, by: 1) { damaged[k] ^= 0x5A }
        let bad = try CSVReaderTests.temp(damaged, name: "bad.csv.gz")
        let corrupt = #expect(throws: CasparianError.self) { try StreamingInference().feedAll(bad) }
        #expect(corrupt?.kind == .data)
        #expect(corrupt?.message.contains("not valid gzip data") == true)
        #expect(corrupt?.hint?.contains("gzip -t") == true)
    }
}

extension StreamingInference {
    /// Reads a whole CSV file (a test helper that throws what feeding throws).
    func feedAll(_ path: String) throws {
        var copy = self
        try copy.feed(csvFile: path)
    }
}
