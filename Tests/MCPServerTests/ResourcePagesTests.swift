import CasparianCore
import Contracts
import Foundation
import MCP
import Testing

@testable import MCPServer

/// Resources that would be too long for a model come in pages, cut between columns.
@Suite("MCP resource pages")
struct ResourcePagesTests {
    @Test func pagesHoldEveryColumnOnceInOrder() {
        let pages = ResourcePages.cut(headerCosts: [100, 100, 100], columnCosts: [Array(repeating: 1_000, count: 150), [], [70_000, 10]])
        let flat = pages.flatMap { $0 }
        #expect(flat.filter { $0.output == 0 }.map(\.columns.count).reduce(0, +) == 150)
        #expect(flat.contains { $0.output == 1 })
        #expect(flat.filter { $0.output == 2 }.map(\.columns.count).reduce(0, +) == 2)
        // A column larger than a page still gets one; no page is empty.
        #expect(pages.allSatisfy { !$0.isEmpty })
        #expect(pages.count >= 4)
        #expect(ResourcePages.cut(headerCosts: [10], columnCosts: [[5, 5]]).count == 1)
    }

    @Test func aWideContractIsReadPageByPage() throws {
        let columns = (0..<2_000).map { LockedColumn(name: "column_\($0)", type: .int64, nullable: $0 % 2 == 0) }
        let contract = SchemaContract(
            id: "ctr_1", plugin: "wide", scope: nil, version: 1, approvedAt: Date(timeIntervalSince1970: 0), approvedBy: "test",
            schemas: [LockedSchema(output: "wide", mode: .strict, columns: columns)])
        let pages = try ContractPages(contract)
        #expect(pages.pages.count > 1)
        var uri: String? = "casparian://contracts/wide"
        var seen: [String] = []
        var count = 0
        while let u = uri, count < 100 {
            let (plugin, page) = try ResourcePages.parse(String(u.dropFirst("casparian://contracts/".count)))
            #expect(plugin == "wide")
            let text = try pages.page(page, uri: "casparian://contracts/wide")
            #expect(text.count < 70_000)
            let o = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let schema = (o["schemas"] as? [[String: Any]])?.first
            seen += (schema?["columns"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            uri = o["next_uri"] as? String
            count += 1
        }
        #expect(seen == columns.map(\.name))
        #expect(throws: MCPError.self) { try pages.page(pages.pages.count + 1, uri: "x") }
        #expect(throws: MCPError.self) { try ResourcePages.parse("wide?pages=2") }
    }

    @Test func aRunOverManyFilesIsReadPageByPage() throws {
        let results: [Value] = (0..<3_000).map { i in
            .object([
                "path": .string("data/file_\(i).csv"), "status": "passed", "rows": .int(i),
                "message": .string(String(repeating: "x", count: 40)),
            ])
        }
        let resource: [String: Value] = [
            "run_id": "run_1", "kind": "backtest", "report": .object(["plugin": "sales", "results": .array(results)]),
        ]
        let pages = RunPages(resource)
        #expect(pages.pages.count > 1)
        var paths: [String] = []
        for n in 1...pages.pages.count {
            let text = try pages.page(n, uri: "casparian://runs/run_1")
            #expect(text.count < 70_000)
            let o = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let report = o["report"] as? [String: Any] ?? [:]
            #expect(report["results_offset"] as? Int == paths.count)
            paths += (report["results"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
            #expect((o["next_uri"] as? String == nil) == (n == pages.pages.count))
        }
        #expect(paths.count == 3_000 && paths.last == "data/file_2999.csv")
        // A small run is one page, as it always was.
        let small = RunPages(["run_id": "run_2", "report": .object(["results": .array(Array(results.prefix(3)))])])
        #expect(try small.page(1, uri: "x").contains("\"results\"") && small.pages.count == 1)
    }
}
