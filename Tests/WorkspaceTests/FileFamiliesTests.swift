import CasparianTestSupport
import Foundation
import Inference
import Testing

@testable import Workspace

/// The built-in reader groups a folder's files into families by their
/// columns: one output per kind of file.
@Suite("File families")
struct FileFamiliesTests {
    @Test func unrelatedExportsAreSeparateAndAddedColumnsStayInTheFamily() {
        let names = ["permits_2023.csv", "weather/jan.csv", "permits_2024.csv", "odd.csv", "permits_2025.csv", "weather/feb.csv"]
        let columns: [[String]?] = [
            ["Permit ID", "Issued", "Fee"], ["station", "temp", "humidity", "date"], ["permit_id", "issued", "fee"],
            ["foo"], ["Permit ID", "Issued", "Fee", "Discount"], ["station", "temp", "humidity", "date"],
        ]
        let families = FileFamilies.group(columns: columns, names: names)
        #expect(families.map(\.files) == [[0, 2, 4], [1, 5], [3]])
        #expect(families.map(\.name) == ["permits", "weather", "odd"])
    }

    @Test func headerlessFilesJoinOnlyAtTheSameWidthAndUnreadableFilesStandAlone() {
        let h3 = ["\u{1}headerless 3 columns"]
        let h5 = ["\u{1}headerless 5 columns"]
        let families = FileFamilies.group(columns: [h3, h5, h3, nil], names: ["a1.csv", "b.csv", "a2.csv", "c.csv"])
        #expect(families.map(\.files) == [[0, 2], [1], [3]])
    }

    @Test func namesAreValidStableAndUnique() {
        #expect(FileFamilies.tableName("2024 Report (final)") == "t_2024_report_final")
        #expect(FileFamilies.tableName("sqlite_master") == "t_sqlite_master")
        #expect(FileFamilies.tableName("-- ") == nil)
        #expect(FileFamilies.familyName(["sales_2024-01.csv", "sales_2024-02.csv.gz"]) == "sales")
        #expect(FileFamilies.familyName(["eu/1.csv", "eu/2.csv"]) == "eu")
        let twice = FileFamilies.group(columns: [["a", "b"], ["x", "y"]], names: ["data/xy.csv", "other/xy.csv"])
        #expect(twice.map(\.name) == ["xy", "xy_2"])
    }

    /// Three unrelated exports, one of them split over several files with a
    /// column added in later files, and a lone odd file: four outputs.
    @Test func aFolderOfDifferentExportsGivesOneOutputPerKind() async throws {
        let base = try TemporaryFolder.create("families")
        let data = base.appendingPathComponent("data")
        for m in 1...3 {
            try TestSupport.write(
                "Permit ID,Issued,Fee\nP\(m),2024-0\(m)-01,12.5\n", to: data.appendingPathComponent("permits_2024-0\(m).csv"))
        }
        try TestSupport.write(
            "Permit ID,Issued,Fee,Discount\nP4,2024-04-01,12.5,1\n", to: data.appendingPathComponent("permits_2024-04.csv"))
        try TestSupport.write("station,temp,humidity\nA,12.5,80\n", to: data.appendingPathComponent("weather.csv"))
        try TestSupport.write("school,grade,students\nX,3,25\nY,4,30\n", to: data.appendingPathComponent("schools.csv"))
        try TestSupport.write("lonely\n1\n", to: data.appendingPathComponent("odd.csv"))
        let ws = try Workspace.create(at: base)
        let found = try await ws.discover(paths: [data.path], parser: .builtinCSV)
        let outputs = Dictionary(uniqueKeysWithValues: found.result.outputs.map { ($0.name, $0) })
        #expect(Set(outputs.keys) == ["permits", "weather", "schools", "odd"])
        #expect(
            outputs["permits"]?.fileCount == 4 && outputs["permits"]?.columns.map(\.name) == ["Permit ID", "Issued", "Fee", "Discount"])
        #expect(outputs["permits"]?.columns.last?.nullable == true, "the added column is missing from the earlier files")
        #expect(outputs["schools"]?.files == ["schools.csv"])
    }

    @Test func nearDuplicateColumnNamesAreReportedWithTheirFiles() {
        let near = FileFamilies.nearDuplicates(columns: [
            ("2019.csv", ["BENCHMARK NUMBER", "Score"]), ("2020.csv", ["benchmark_number", "score"]),
            ("2021.csv", ["benchmark_number", "Score"]),
        ])
        #expect(near.map(\.spellings) == [["BENCHMARK NUMBER", "benchmark_number"], ["Score", "score"]])
        #expect(near.first?.files["benchmark_number"] == ["2020.csv", "2021.csv"])
        #expect(FileFamilies.nearDuplicates(columns: [("a.csv", ["x", "y"]), ("b.csv", ["x", "y"])]).isEmpty)
    }

    @Test func theSalesExampleStaysOneOutput() async throws {
        let ws = try Workspace.create(at: try TemporaryFolder.create("sales-family"))
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples/sales/data")
            .standardized
        let found = try await ws.discover(paths: [examples.path], parser: .builtinCSV)
        #expect(found.result.outputs.map(\.name) == ["sales"])
        #expect(found.result.outputs.first?.fileCount == 48)
    }
}
