import CasparianTestSupport
import Foundation
import Testing

/// End-to-end: the built `casparian` binary against real folders and a
/// real workspace.
@Suite("CLI: scan, scope, tag, query, output")
struct WorkspaceCommandsTests {
    static func data() throws -> URL {
        let dir = try TemporaryFolder.create("data")
        for (f, text) in [("sales/jan.csv", "id\n1\n"), ("sales/feb.csv", "id\n2\n3\n"), ("notes.txt", "hello"), (".secret", "x")] {
            let url = dir.appendingPathComponent(f)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return dir
    }

    @Test func theWorkerBinaryRefusesBadArguments() throws {
        func worker(_ args: [String]) throws -> (Int32, String) {
            let r = try ProcessLaunch(BuiltProducts.worker, args).run()
            return (r.status, r.stderr)
        }
        let (status, text) = try worker(["--plugin", "x"])
        #expect(status == 2)
        #expect(text.contains("--plugin and --python are required"))
        #expect(text.contains("not meant to be run by hand"))
        let (bogus, bogusText) = try worker(["--bogus", "1"])
        #expect(bogus == 2 && bogusText.contains("unexpected argument '--bogus'"))
    }

    @Test func scanPrintsTablesOrJSON() throws {
        let data = try Self.data()
        let human = try CLIRunner.run(["scan", data.path, "--top", "2"])
        #expect(human.status == 0, "\(human.stderr)")
        #expect(human.stdout.contains("3 files"))
        #expect(human.stdout.contains("by extension") && human.stdout.contains("csv"))
        #expect(human.stdout.contains("1 hidden or ignored entries skipped"))
        let json = try #require(try CLIRunner.run(["scan", data.path, "--json", "--hidden"]).json() as? [String: Any])
        #expect(json["file_count"] as? Int == 4)
        #expect(json["truncated"] as? Bool == false)
        for key in ["bytes", "by_extension", "by_folder", "by_size", "largest", "newest", "oldest", "unreadable"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        let missing = try CLIRunner.run(["scan", data.path + "/nope"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("error: cannot scan") && missing.stderr.contains("hint:"))
    }

    @Test func scopeCreateListShowRefresh() throws {
        let data = try Self.data()
        let ws = try TemporaryFolder.create("ws")
        let w = ["--workspace", ws.path]
        let created = try CLIRunner.run(["scope", "create", "sales", "--root", data.path, "--include", "*.csv"] + w)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("created scope sales: 2 files"))
        let list = try CLIRunner.run(["scope", "list"] + w)
        #expect(list.stdout.contains("sales") && list.stdout.contains("2"))
        let show = try #require(try CLIRunner.run(["scope", "show", "sales", "--files", "--json"] + w).json() as? [String: Any])
        #expect((show["files"] as? [[String: Any]])?.count == 2)

        try Data("id\n4\n".utf8).write(to: data.appendingPathComponent("sales/mar.csv"))
        try FileManager.default.removeItem(at: data.appendingPathComponent("sales/jan.csv"))
        try Data("id\n2\n3\n5\n".utf8).write(to: data.appendingPathComponent("sales/feb.csv"))
        let refresh = try CLIRunner.run(["scope", "refresh", "sales"] + w)
        #expect(refresh.status == 0)
        #expect(refresh.stdout.contains("+ sales/mar.csv"))
        #expect(refresh.stdout.contains("~ sales/feb.csv"))
        #expect(refresh.stdout.contains("- sales/jan.csv"))
        #expect(refresh.stdout.contains("1 added, 1 changed, 1 removed, 0 unchanged"))

        let dup = try CLIRunner.run(["scope", "create", "sales", "--root", data.path] + w)
        #expect(dup.status == 2 && dup.stderr.contains("already exists") && dup.stderr.contains("casparian scope refresh sales"))
        let badGlob = try CLIRunner.run(["scope", "create", "x", "--root", data.path, "--include", "{a,b"] + w)
        #expect(badGlob.status == 2 && badGlob.stderr.contains("invalid glob"))
        let unknown = try CLIRunner.run(["scope", "show", "nope"] + w)
        #expect(unknown.status == 2 && unknown.stderr.contains("no scope named nope"))
    }

    @Test func tagsSelectFilesForScopes() throws {
        let data = try Self.data()
        let ws = try TemporaryFolder.create("ws")
        let w = ["--workspace", ws.path]
        let tag = try CLIRunner.run(["tag", data.appendingPathComponent("notes.txt").path, "keep"] + w)
        #expect(tag.status == 0 && tag.stdout.contains("tagged 1 file with keep"))
        let scope = try #require(
            try CLIRunner.run(["scope", "create", "kept", "--root", data.path, "--include", "tag:keep", "--json"] + w).json()
                as? [String: Any])
        #expect(((scope["scope"] as? [String: Any])?["file_count"]) as? Int == 1)
        let untag = try CLIRunner.run(["untag", data.appendingPathComponent("notes.txt").path, "keep"] + w)
        #expect(untag.stdout.contains("removed keep from 1 file"))
        #expect(try CLIRunner.run(["scope", "refresh", "kept"] + w).stdout.contains("- notes.txt"))
        let usage = try CLIRunner.run(["tag", "onlyone"] + w)
        #expect(usage.status != 0 && usage.stderr.contains("give one or more paths and then the tag"))
    }

    @Test func queryIsReadOnlyAndPrintsTablesCSVOrJSON() throws {
        let ws = try TemporaryFolder.create("ws")
        let w = ["--workspace", ws.path]
        let none = try CLIRunner.run(["query", "SELECT 1"] + w)
        #expect(none.status == 2 && none.stderr.contains("no Casparian workspace"))
        try FileManager.default.createDirectory(at: ws.appendingPathComponent(".casparian"), withIntermediateDirectories: true)
        let noOutput = try CLIRunner.run(["query", "SELECT 1"] + w)
        #expect(noOutput.status == 2 && noOutput.stderr.contains("no output database yet"))
        let write = try ProcessLaunch(
            BuiltProducts.testWriter, [ws.appendingPathComponent(".casparian/output.sqlite").path, "--files", "2", "--rows", "3"]
        ).run()
        #expect(write.status == 0)

        let json = try #require(
            try CLIRunner.run(["query", "SELECT id, name FROM synthetic ORDER BY _cf_file, id", "--json", "--limit", "4"] + w).json()
                as? [String: Any])
        #expect(json["columns"] as? [String] == ["id", "name"])
        #expect(json["row_count"] as? Int == 4 && json["truncated"] as? Bool == true)
        #expect((json["rows"] as? [[Any]])?.first?.first as? Int == 0)
        let csv = try CLIRunner.run(["query", "SELECT 'a,b' AS x, 1 AS y", "--csv"] + w)
        #expect(csv.stdout == "x,y\n\"a,b\",1\n")
        let table = try CLIRunner.run(["query", "SELECT count(*) AS n FROM synthetic"] + w)
        #expect(table.stdout.contains("n") && table.stdout.contains("6"))

        for attack in [
            "DROP TABLE synthetic", "SELECT 1; DELETE FROM synthetic", "ATTACH '/tmp/x.db' AS x", "PRAGMA writable_schema=1",
            "SELECT load_extension('x')",
        ] {
            let r = try CLIRunner.run(["query", attack] + w)
            #expect(r.status == 2, "\(attack)")
            #expect(r.stderr.contains("error:") && r.stderr.contains("hint:"), "\(attack): \(r.stderr)")
        }
        let slow = try CLIRunner.run(
            [
                "query", "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n",
                "--timeout", "0.3",
            ] + w)
        #expect(slow.status == 2 && slow.stderr.contains("time limit"))
        #expect(try CLIRunner.run(["query", "SELECT count(*) FROM synthetic", "--csv"] + w).stdout == "count(*)\n6\n")

        let targets = try #require(try CLIRunner.run(["output", "list", "--json"] + w).json() as? [[String: Any]])
        #expect(targets.count == 1 && targets.first?["target"] as? String == "sqlite", "\(targets)")
        let outputs = try #require(targets.first?["tables"] as? [[String: Any]])
        #expect(outputs.first?["table"] as? String == "synthetic" && outputs.first?["rows"] as? Int == 6)
        #expect(try CLIRunner.run(["output", "drop", "synthetic"] + w).status == 0)
        #expect(try CLIRunner.run(["output", "drop", "synthetic"] + w).status == 2)
    }
}
