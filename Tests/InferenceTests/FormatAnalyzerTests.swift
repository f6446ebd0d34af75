import CasparianCore
import CasparianTestSupport
import Foundation
import Testing

@testable import Inference

@Suite("Format analyzer")
struct FormatAnalyzerTests {
    func analyze(_ s: String, size: Int? = nil) -> FormatAnalysis {
        let b = Array(s.utf8)
        return FormatAnalyzer.analyze(head: b, size: size ?? b.count)
    }

    @Test func magicNumbers() {
        func f(_ b: [UInt8]) -> FileFormat { FormatAnalyzer.analyze(head: b + [UInt8](repeating: 7, count: 64), size: 10_000).format }
        #expect(f(Array("PAR1".utf8)) == .parquet)
        #expect(f([0x1F, 0x8B, 0x08]) == .gzip)
        #expect(f(Array("BZh9".utf8)) == .bzip2)
        #expect(f([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) == .xz)
        #expect(f([0x28, 0xB5, 0x2F, 0xFD]) == .zstd)
        #expect(f([0x50, 0x4B, 0x03, 0x04] + Array("....[Content_Types].xml xl/workbook.xml".utf8)) == .excel)
        #expect(f([0x50, 0x4B, 0x03, 0x04] + Array("....notes.txt".utf8)) == .zip)
        #expect(f([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) == .excel)
        #expect(FormatAnalyzer.analyze(head: [], size: 0).format == .empty)
    }

    @Test func textFormats() {
        let csv = analyze("id,name,price\n1,apple,2.5\n2,pear,3\n3,\"fig, dried\",4\n")
        #expect(csv.format == .csv && csv.delimiter == ",")
        #expect(csv.evidence.contains("header row"))
        let tsv = analyze("a\tb\tc\n1\t2\t3\n4\t5\t6\n")
        #expect(tsv.format == .tsv && tsv.delimiter == "\\t")
        #expect(analyze("a;b\n1;2\n3;4\n").delimiter == ";")
        #expect(analyze(#"{"a": [1, 2, {"b": null}], "c": "x"}"#).format == .json)
        #expect(analyze("{\"a\": 1}\n{\"a\": 2}\n{\"a\": 3}\n").format == .jsonLines)
        // A JSON document cut by the sample is still JSON; a JSON Lines file cut mid-line still JSON Lines.
        #expect(analyze("[{\"a\": 1},\n {\"a\": 2},\n {\"a\"", size: 100_000).format == .json)
        #expect(analyze("{\"a\": 1}\n{\"a\": 2}\n{\"a\"", size: 100_000).format == .jsonLines)
        #expect(
            analyze("2024-01-02 10:00:00,123 INFO started\n2024-01-02 10:00:01,007 ERROR failed: disk\n2024-01-02 10:00:02,000 INFO done\n")
                .format == .log)
        #expect(analyze("Jan  2 10:00:00 host cron[12]: job ran\nJan  2 10:05:00 host cron[13]: job ran\n").format == .log)
        let fixed =
            "ID    NAME        AMOUNT\n0001  alpha        12.50\n0002  beta        100.00\n0003  gamma         7.25\n0004  delta          .50\n"
        #expect(analyze(fixed).format == .fixedWidth)
        #expect(
            analyze(
                "The quick brown fox jumps over the lazy dog and keeps running far beyond the hill where nobody has ever been before, no.\nAnd then it stops.\n"
            ).format == .text)
    }

    /// A column of timestamps is a one-column table, not a log (no message)
    /// nor two fixed-width columns (one single blank between them).
    @Test func timestampColumnIsNotLogOrFixedWidth() {
        let a = analyze("2024-01-01 10:00:00\n2024-01-02 11:00:00\n2024-01-03 12:00:00\n2024-01-04 13:00:00\n2024-01-05 14:00:00\n")
        #expect(a.format == .csv)
        let dated = analyze("when,value\n2024-01-01 10:00:00,1\n2024-01-02 10:00:00,2\n2024-01-03 10:00:00,3\n")
        #expect(dated.format == .csv)
    }

    @Test func malformedJSONIsNotJSON() {
        #expect(analyze("{\"a\": 1]\n").format != .json)
        #expect(analyze("[1, 2, bogus]\n").format != .json)
        #expect(analyze("{\"a\": 1\n").format != .json, "an unclosed document that is not truncated")
    }

    @Test func badPathsGiveClearErrors() throws {
        #expect(throws: CasparianError.self) { try FormatAnalyzer.analyze(path: "/nonexistent/file.csv") }
        do {
            _ = try FormatAnalyzer.analyze(path: NSTemporaryDirectory())
            Issue.record("a folder was analysed")
        } catch let e as CasparianError {
            #expect(e.kind == .usage && e.message.contains("not a regular file"))
        }
    }

    /// Generated files of each format, read from disk with the default
    /// prefix: the share recognised, per format.
    @Test func accuracyOnGeneratedFiles() throws {
        var gen = GeneratedFormats(seed: 10)
        let dir = try TemporaryFolder.create("analyzer")
        defer { try? FileManager.default.removeItem(at: dir) }
        var cases: [(FileFormat, Data)] = []
        for _ in 0..<40 {
            cases.append((.json, gen.json()))
            cases.append((.jsonLines, gen.jsonLines()))
            cases.append((.fixedWidth, gen.fixedWidth()))
            cases.append((.log, gen.log()))
            cases.append((.binary, gen.binary()))
            cases.append((.csv, gen.csv(delimiter: [",", ";", "|"].randomElement(using: &gen.rng)!)))
            cases.append((.tsv, gen.csv(delimiter: "\t")))
        }
        // gzip content is analysed: a gzip CSV counts as csv (its label says `csv (gzip)`).
        for (tool, format) in [("gzip", FileFormat.csv), ("bzip2", .bzip2), ("xz", .xz), ("zstd", .zstd)]
        where FileManager.default.isExecutableFile(atPath: "/usr/bin/" + tool) {
            for _ in 0..<5 { cases.append((format, try GeneratedFormats.compress(gen.csv(delimiter: ","), tool: tool))) }
        }
        var hits: [FileFormat: (Int, Int)] = [:]
        var misses: [String] = []
        for (i, (format, data)) in cases.enumerated() {
            let url = dir.appendingPathComponent("f\(i)")
            try data.write(to: url)
            let a = try FormatAnalyzer.analyze(path: url.path)
            hits[format, default: (0, 0)].1 += 1
            if a.format == format { hits[format]!.0 += 1 } else { misses.append("\(format.rawValue) → \(a.format.rawValue) \(a.evidence)") }
        }
        let total = hits.values.reduce(0) { $0 + $1.0 }
        print(
            "analyzer accuracy on generated files: \(total)/\(cases.count) = \(String(format: "%.1f", Double(total) * 100 / Double(cases.count)))%"
        )
        for (f, (ok, n)) in hits.sorted(by: { $0.key < $1.key }) { print("  \(f.rawValue): \(ok)/\(n)") }
        for m in misses.prefix(20) { print("  miss: \(m)") }
        // Fixed-width files whose columns abut (a right-aligned number right
        // before a left-aligned word) have no blank column to find: those miss.
        for (f, (ok, n)) in hits { #expect(Double(ok) / Double(n) >= (f == .fixedWidth ? 0.85 : 0.95), "\(f.rawValue): \(ok)/\(n)") }
        #expect(Double(total) / Double(cases.count) >= 0.95)
    }
}

/// The share of `../shared/corpora/duckdb-csv/` recognised as CSV/TSV.
@Suite("Format analyzer on the DuckDB corpus", Corpora.trait)
struct FormatAnalyzerCorpusTests {
    @Test func duckdbShareRecognisedAsDelimited() throws {
        let root = Corpora.path("duckdb-csv")
        let files = try FileManager.default.subpathsOfDirectory(atPath: root).sorted().filter { rel in
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: root + "/" + rel, isDirectory: &isDir) && !isDir.boolValue
                && (rel.hasSuffix(".csv") || rel.hasSuffix(".tsv"))
        }
        // afl/ and fuzzing/ hold fuzzer output (hostile bytes, mostly not
        // text at all); empty files have no format. Both are reported, and
        // left out of the headline share.
        func hostile(_ rel: String) -> Bool { rel.hasPrefix("afl/") || rel.hasPrefix("fuzzing/") }
        var delimited = 0
        var delimitedAll = 0
        var counted = 0
        var missKinds: [FileFormat: [String]] = [:]
        for rel in files {
            let a = try FormatAnalyzer.analyze(path: root + "/" + rel)
            if a.format.isDelimited { delimitedAll += 1 }
            guard !hostile(rel), a.format != .empty else { continue }
            counted += 1
            if a.format.isDelimited { delimited += 1 } else { missKinds[a.format, default: []].append(rel) }
        }
        let share = Double(delimited) / Double(counted)
        print(
            "duckdb-csv: \(delimited)/\(counted) non-empty .csv/.tsv files outside afl/ and fuzzing/ recognised as CSV/TSV "
                + "(\(String(format: "%.1f", share * 100))%); all \(files.count) files: \(delimitedAll) (\(String(format: "%.1f", Double(delimitedAll) * 100 / Double(files.count)))%)"
        )
        for (format, rels) in missKinds.sorted(by: { $0.key < $1.key }) {
            print("  \(format.rawValue): \(rels.count) — e.g. \(rels.prefix(6).joined(separator: ", "))")
        }
        #expect(files.count > 900)
        #expect(share >= 0.9)
        // The gzip files of the corpus are recognised by their magic, and their content analysed.
        #expect(try FormatAnalyzer.analyze(path: root + "/" + "num.tsv.gz").label == "tsv (gzip)")
        #expect(try FormatAnalyzer.analyze(path: root + "/" + "tenk.tsv.gz").label == "tsv (gzip)")
    }
}
