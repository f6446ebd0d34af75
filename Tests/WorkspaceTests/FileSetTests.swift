import CasparianCore
import CasparianTestSupport
import Foundation
import Testing
import Workspace

@Suite("File sets and globs")
struct FileSetTests {
    @Test func globs() {
        #expect(Glob.matches("**/sales_*.csv", "sales_1.csv"))
        #expect(Glob.matches("**/sales_*.csv", "eu/2024/sales_1.csv"))
        #expect(!Glob.matches("**/sales_*.csv", "eu/orders_1.csv"))
        #expect(Glob.matches("eu/*.csv", "eu/a.csv"))
        #expect(!Glob.matches("eu/*.csv", "eu/x/a.csv"))
        #expect(Glob.matches("data_??.tsv", "data_01.tsv"))
    }

    @Test func foldersExpandRecursivelyWithPatternOrExtensions() throws {
        let root = try TemporaryFolder.create("fs")
        for rel in ["eu/sales_1.csv", "eu/notes.md", "us/sales_2.csv", ".hidden/sales_3.csv", "us/x.tsv"] {
            let url = root.appendingPathComponent(rel)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("a\n1\n".utf8).write(to: url)
        }
        let byPattern = try FileSet(paths: [root.path], pattern: "**/sales_*.csv", extensions: nil)
        #expect(byPattern.entries.map(\.name) == ["eu/sales_1.csv", "us/sales_2.csv"])
        let byExtension = try FileSet(paths: [root.path], pattern: nil, extensions: FileSet.delimitedExtensions)
        #expect(byExtension.entries.map(\.name) == ["eu/sales_1.csv", "us/sales_2.csv", "us/x.tsv"])
        #expect(throws: CasparianError.self) { try FileSet(paths: [root.path + "/missing"], pattern: nil, extensions: nil) }
    }
}
