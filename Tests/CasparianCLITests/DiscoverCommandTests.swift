import CasparianTestSupport
import Foundation
import Testing

@Suite("casparian discover (built binary)")
struct DiscoverCommandTests {
    static func workspace() throws -> String {
        let dir = try TemporaryFolder.create("ws")
        return dir.path
    }

    func json(_ r: BuiltBinary.Result) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
        return try #require(object as? [String: Any])
    }

    @Test func salesCorpusJSON() throws {
        let r = try BuiltBinary.run(["discover", "examples/sales/data", "--json", "--workspace", try Self.workspace()])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let doc = try json(r)
        #expect(doc["files"] as? Int == 48)
        #expect((doc["rows"] as? Int ?? 0) > 2000)
        #expect((doc["discovery_id"] as? String)?.hasPrefix("disc_") == true)
        let outputs = try #require(doc["outputs"] as? [[String: Any]])
        let columns = try #require(outputs.first?["columns"] as? [[String: Any]])
        #expect(
            columns.map { $0["name"] as? String } == [
                "order_id", "order_date", "region", "customer", "sku",
                "quantity", "unit_price", "amount", "discount",
            ])
        for c in columns {
            for key in ["name", "type", "format", "nullable", "null_sentinels", "status", "candidates", "evidence", "question"] {
                #expect(c.keys.contains(key), "column \(c["name"] ?? "?") lacks \(key)")
            }
        }
        let byName = Dictionary(uniqueKeysWithValues: columns.map { ($0["name"] as! String, $0) })
        let date = try #require(byName["order_date"])
        #expect(date["status"] as? String == "contradiction")
        let question = try #require(date["question"] as? String)
        #expect(question.contains("eu/sales_2024-01.csv"))
        #expect(question.contains("12 files day-first"))
        let amount = try #require(byName["amount"])
        #expect(amount["type"] as? String == "float64")
        #expect(amount["nullable"] as? Bool == true)
        #expect((amount["null_sentinels"] as? [String])?.contains("N/A") == true)
        let discount = try #require(byName["discount"])
        #expect(discount["nullable"] as? Bool == true)
        #expect(discount["type"] as? String == "float64")
        #expect(byName["order_id"]?["type"] as? String == "int64")
    }

    @Test func humanOutputListsQuestionsWithWhatToAnswer() throws {
        let r = try BuiltBinary.run(["discover", "examples/sales/data", "--workspace", try Self.workspace()])
        #expect(r.status == 0)
        #expect(r.stdout.contains("order_date"))
        #expect(r.stdout.contains("Open questions"))
        #expect(r.stdout.contains("answer:"))
    }

    @Test func pluginFailuresAreReportedPerFile() throws {
        // The example plugin is a first draft: it reads month-first dates only and chokes on "N/A"
        // amounts, so many files fail; the files it parses are still discovered.
        let r = try BuiltBinary.run([
            "discover", "examples/sales/data", "--plugin", "examples/sales/plugins/sales",
            "--json", "--workspace", try Self.workspace(),
        ])
        #expect(r.status == 1)
        let doc = try json(r)
        let failures = try #require(doc["failures"] as? [[String: Any]])
        #expect(!failures.isEmpty)
        #expect(failures.allSatisfy { $0["category"] as? String == "plugin_error" })
        let eu = try #require(failures.first { ($0["file"] as? String)?.hasPrefix("eu/") == true })
        #expect((eu["message"] as? String)?.contains("does not match format") == true)
        #expect((doc["files_read"] as? Int ?? 0) > 0)
        #expect((doc["files_read"] as? Int ?? 0) + failures.count == 48)
        let outputs = try #require(doc["outputs"] as? [[String: Any]])
        let columns = try #require(outputs.first?["columns"] as? [[String: Any]])
        let date = try #require(columns.first { $0["name"] as? String == "order_date" })
        #expect(date["type"] as? String == "date")
        #expect(date["status"] as? String == "resolved")
    }

    /// A gzip CSV is read as its content (named `.gz` or not); a damaged one
    /// is a failure that names the file and contributes no values.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/gzip")))
    func gzipFilesAreReadAndBrokenOnesReported() throws {
        let dir = try Self.workspace()
        var text = "city,population\n"
        for i in 0..<20_000 { text += "c\(i),\"\(i % 900 + 1),\(String(format: "%03d", i % 1000)),\(String(format: "%03d", i % 7))\"\n" }
        try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/towns.csv"))
        #expect(try ProcessLaunch("/usr/bin/gzip", ["-k", dir + "/towns.csv"]).run().status == 0)
        let compressed = try Data(contentsOf: URL(fileURLWithPath: dir + "/towns.csv.gz"))
        try compressed.prefix(compressed.count / 2).write(to: URL(fileURLWithPath: dir + "/cut.csv.gz"))

        let ok = try BuiltBinary.run(["discover", dir + "/towns.csv.gz", "--json", "--workspace", dir])
        #expect(ok.status == 0, "stderr: \(ok.stderr)")
        let doc = try json(ok)
        #expect(doc["rows"] as? Int == 20_000)
        let columns = try #require((doc["outputs"] as? [[String: Any]])?.first?["columns"] as? [[String: Any]])
        let population = try #require(columns.first { $0["name"] as? String == "population" })
        #expect(population["type"] as? String == "int64")
        #expect(population["format"] as? String == "#,##0")

        let cut = try BuiltBinary.run(["discover", dir + "/towns.csv.gz", dir + "/cut.csv.gz", "--json", "--workspace", dir])
        #expect(cut.status == 1)
        let cutDoc = try json(cut)
        #expect(cutDoc["rows"] as? Int == 20_000, "the truncated file adds no rows")
        let failure = try #require((cutDoc["failures"] as? [[String: Any]])?.first)
        #expect(failure["file"] as? String == dir + "/cut.csv.gz" || (failure["file"] as? String)?.hasSuffix("cut.csv.gz") == true)
        #expect(failure["category"] as? String == "data")
        #expect((failure["message"] as? String)?.contains("ends early") == true)
    }

    @Test func badInputIsAUsageError() throws {
        let missing = try BuiltBinary.run(["discover", "/nonexistent/folder", "--workspace", try Self.workspace()])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("does not exist"))
        let plugin = try BuiltBinary.run(["discover", "examples/sales/data", "--plugin", "nope", "--workspace", try Self.workspace()])
        #expect(plugin.status == 2)
        #expect(plugin.stderr.contains("no plugin nope"))
    }
}

@Suite("casparian discover with the Python csv plugin (built binary)")
struct PythonCSVPluginTests {
    /// `plugins/csv/parser.py` is the same plugin as the native reader, in
    /// Python: run in workers, it must prove the same things.
    @Test func pythonPluginAgreesWithTheNativeReader() throws {
        let ws = try DiscoverCommandTests.workspace()
        let python = try BuiltBinary.run(["discover", "examples/sales/data", "--plugin", "plugins/csv", "--json", "--workspace", ws])
        #expect(python.status == 0, "stderr: \(python.stderr)")
        let native = try BuiltBinary.run(["discover", "examples/sales/data", "--json", "--workspace", ws])
        func summary(_ r: BuiltBinary.Result) throws -> [String] {
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            let outputs = try #require(doc["outputs"] as? [[String: Any]])
            let columns = try #require(outputs.first?["columns"] as? [[String: Any]])
            return columns.map { c in
                "\(c["name"]!) \(c["type"]!) \(c["status"]!) \(c["nullable"]!)"
            }
        }
        #expect(try summary(python) == summary(native))
    }

    /// Both read gzip and UTF-16 without a byte-order mark alike.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/gzip")))
    func pythonPluginReadsGzipAndUTF16WithoutBOM() throws {
        let ws = try DiscoverCommandTests.workspace()
        var text = "id,name,amount,day\n"
        for i in 0..<500 { text += "\(i),Zoë \(i % 9),\(i % 50).25,2024-03-\(String(format: "%02d", i % 28 + 1))\n" }
        let path = ws + "/orders.csv"
        try Data(text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }).write(to: URL(fileURLWithPath: path))
        #expect(try ProcessLaunch("/usr/bin/gzip", [path]).run().status == 0)
        func summary(_ args: [String]) throws -> [String] {
            let r = try BuiltBinary.run(["discover", path + ".gz", "--json", "--workspace", ws] + args)
            #expect(r.status == 0, "stderr: \(r.stderr)")
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            #expect(doc["rows"] as? Int == 500)
            let columns = try #require((doc["outputs"] as? [[String: Any]])?.first?["columns"] as? [[String: Any]])
            return columns.map { c in "\(c["name"]!) \(c["type"]!) \(c["status"]!)" }
        }
        let native = try summary([])
        #expect(native == ["id int64 resolved", "name string resolved", "amount float64 resolved", "day date resolved"])
        #expect(try summary(["--plugin", "plugins/csv"]) == native)
    }
}
