import CasparianTestSupport
import Foundation
import Testing

/// What the browser tests share: running a client script (Clients/*.py)
/// against `casparian lab` on a copy of examples/sales, reading the JSON
/// object it prints last, and the expectations of the README's flow that
/// every browser must meet.
struct LabFlow {
    static let clients = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Clients")

    /// Where a browser's screenshots go: kept after the test (not in its
    /// scratch folder) for people to look at; `suffix` tells browsers apart.
    static func screenshots(suffix: String) -> URL {
        if let dir = ProcessInfo.processInfo.environment["CASPARIAN_LAB_SCREENSHOTS"], !dir.isEmpty {
            return URL(fileURLWithPath: dir + suffix)
        }
        return PackageRoot.url.appendingPathComponent(".build/lab-screenshots" + suffix)
    }

    let o: [String: Any]

    /// Runs `script` with `arguments` (the browser's) on a fresh copy of
    /// examples/sales; nil, with the script's output recorded, when it fails.
    static func run(_ script: String, copy: String, screenshots: URL, arguments: [String]) async throws -> LabFlow? {
        let ws = try TemporaryFolder.copyOfExamples(copy).appendingPathComponent("sales")
        try? FileManager.default.removeItem(at: screenshots)
        print("Parser Lab screenshots (\(script)): \(screenshots.path)")
        var env = ProcessInfo.processInfo.environment
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        // The script waits this many times longer under a sanitizer.
        env["CASPARIAN_TEST_SLOWDOWN"] = String(Sanitizer.slowdown)
        let r = try await ProcessLaunch(
            try TestVenv.requirePython(),
            [
                clients.appendingPathComponent(script).path, "--casparian", CLIRunner.binary, "--workspace", ws.path,
                "--screenshots", screenshots.path,
            ] + arguments, environment: env, timeout: 540 * Double(Sanitizer.slowdown)
        ).finish()
        let line = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        guard r.status == 0, let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            Issue.record("\(script) exited \(r.status); stdout: \(line.prefix(3000)); stderr: \(r.stderr.suffix(6000))")
            return nil
        }
        return LabFlow(o: o)
    }

    func text(_ k: String) -> String { o[k] as? String ?? "" }
    func strings(_ k: String) -> [String] { o[k] as? [String] ?? [] }
    func number(_ k: String) -> Double? { o[k] as? Double ?? (o[k] as? Int).map(Double.init) }
    /// An HTTP status and the error of its JSON body.
    func status(_ k: String) -> (Int, String) {
        let pair = o[k] as? [Any] ?? []
        let body = pair.count > 1 ? (pair[1] as? [String: Any]).map { ($0["error"] as? String) ?? "\($0)" } ?? "\(pair[1])" : ""
        return (pair.first as? Int ?? 0, body)
    }

    /// The README's flow done on the page alone, as every browser must show it.
    func expectTheReadmeFlow() {
        #expect(text("title") == "Casparian Parser Lab")
        // Files: the scope made on the page, its 48 files with their format.
        #expect(text("scope_status").contains("48 files"))
        #expect(o["files_rows"] as? Int == 48)
        #expect(strings("files_formats").contains("csv"))
        // Discovery: the date question, refused unanswered, then answered and approved.
        #expect(strings("questions").contains { $0.hasSuffix("order_date") })
        #expect(text("approve_unanswered").contains("answer every question"))
        #expect(text("approved").contains("version 1 of sales"))
        // Contract: amendments approved and rejected on the page; the diff of versions 1 and 2.
        #expect(text("amendment_approved").contains("contract version 2"))
        #expect(text("amendment_rejected").contains("rejected"))
        #expect(text("diff").contains("quantity"))
        #expect(o["history_rows"] as? Int == 2)
        // Backtest of the first draft: failing, a chart bar, clusters with examples.
        #expect(text("first_backtest").hasPrefix("failed"))
        #expect(strings("first_chart_bars").count == 1)
        #expect(!strings("clusters").isEmpty)
        #expect((o["cluster_examples"] as? Int ?? 0) > 0)
        // A failing file: the traceback's plugin line highlighted.
        #expect(text("failure_heading").contains("sales failed"))
        #expect(strings("traceback_highlighted").contains { $0.contains("parser.py") })
        // Row and source line linked both ways.
        let cells = strings("row_cells")
        #expect(cells.count > 2 && text("row_source_line").contains(cells[1]))
        #expect(text("keyboard_next_line") == "4")
        // Line 0 is the header, so source line 5 holds the fifth row (index 4).
        #expect(strings("line5_rows") == ["4"])
        // The fix saved on the page: the second iteration passes.
        #expect(text("second_backtest").hasPrefix("passed"))
        #expect(strings("second_chart_bars").last == "1")
        #expect((o["fixed"] as? Int ?? 0) > 0)
        // Execute from the Jobs view, then the sum read off the page equals the CLI's.
        #expect(text("execute_row").contains("done"))
        let cli = o["cli_query"] as? [String: Any]
        let cliRow = (cli?["rows"] as? [[Any]])?.first ?? []
        let page = strings("query_cells")
        #expect(page.count == 2 && cliRow.count == 2)
        if page.count == 2, cliRow.count == 2 {
            #expect(page[0] == "\(cliRow[0])")
            #expect(Double(page[1]) == (cliRow[1] as? Double))
            #expect(page[0] == "2615")
        }
        #expect(text("query_delete").lowercased().contains("read-only") || text("query_delete").lowercased().contains("only select"))
        #expect(!text("query_bad").isEmpty)
        // A run cancelled from the Jobs view.
        #expect(text("cancelled").contains("cancelled"))
        // Cross-site: a real page of another origin posting a form; the Lab refuses it.
        #expect(text("cross_site_page").contains("Forbidden: Origin"))
        #expect((o["screenshots"] as? [String] ?? []).count == 13)
        #expect(o["lab_exit"] as? Int == 0)
    }
}
