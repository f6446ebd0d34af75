import CasparianTestSupport
import Foundation
import Testing

/// The Parser Lab in a real Firefox (Debian's firefox-esr, headless, driven
/// through Marionette, Firefox's own remote protocol, by marionette_driver
/// from the test venv: no geckodriver): the README's flow done on the page
/// alone, each view seen and screenshotted, the keyboard, and a cross-site
/// form refused. The API's refusals are browser-independent: LabBrowserTests.
@Suite("Parser Lab in Firefox")
struct LabFirefoxTests {
    static let clients = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Clients")
    static let firefox = "/usr/bin/firefox-esr"

    /// Where the screenshots go: kept after the test (not in its scratch folder) for people to look at,
    /// beside the Chromium test's (which empties its own folder when it starts).
    static var screenshots: URL {
        if let dir = ProcessInfo.processInfo.environment["CASPARIAN_LAB_SCREENSHOTS"], !dir.isEmpty {
            return URL(fileURLWithPath: dir + "-firefox")
        }
        return PackageRoot.url.appendingPathComponent(".build/lab-screenshots-firefox")
    }

    static var browserMissing: Bool { !FileManager.default.isExecutableFile(atPath: firefox) }

    @Test(
        .disabled(if: browserMissing, "firefox-esr is not installed: run `make deps` (apt-get install firefox-esr)"),
        .timeLimit(.minutes(10 * Sanitizer.slowdown)))
    func theWholeFlowOnThePageAloneInFirefox() async throws {
        let examples = try TemporaryFolder.copyOfExamples("lab-firefox")
        let ws = examples.appendingPathComponent("sales")
        try? FileManager.default.removeItem(at: Self.screenshots)
        print("Parser Lab screenshots (Firefox): \(Self.screenshots.path)")
        var env = ProcessInfo.processInfo.environment
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        // The script waits this many times longer under a sanitizer.
        env["CASPARIAN_TEST_SLOWDOWN"] = String(Sanitizer.slowdown)
        let r = try await ProcessLaunch(
            try TestVenv.requirePython(),
            [
                Self.clients.appendingPathComponent("lab_firefox.py").path, "--casparian", CLIRunner.binary, "--workspace", ws.path,
                "--screenshots", Self.screenshots.path, "--firefox", Self.firefox,
            ], environment: env, timeout: 540 * Double(Sanitizer.slowdown)
        ).finish()
        let line = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        guard r.status == 0, let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            Issue.record("lab_firefox.py exited \(r.status); stdout: \(line.prefix(3000)); stderr: \(r.stderr.suffix(6000))")
            return
        }
        func text(_ k: String) -> String { o[k] as? String ?? "" }
        func strings(_ k: String) -> [String] { o[k] as? [String] ?? [] }
        func number(_ k: String) -> Double? { o[k] as? Double ?? (o[k] as? Int).map(Double.init) }

        #expect(text("browser").hasPrefix("firefox"))
        #expect(text("title") == "Casparian Parser Lab")
        // Every declaration of the served lab.css parses in this Firefox.
        #expect(o["css_unsupported"] as? [String] == [])
        // Files: the scope made on the page, its 48 files with their format.
        #expect(text("scope_status").contains("48 files"))
        #expect(o["files_rows"] as? Int == 48)
        #expect(strings("files_formats").contains("csv"))
        // Discovery: the date question, refused unanswered, then answered and approved.
        #expect(strings("questions").contains { $0.hasSuffix("order_date") })
        #expect(text("approve_unanswered").contains("answer every question"))
        #expect(text("approved").contains("version 1 of sales"))
        // Contract: amendments approved and rejected on the page; the diff of versions 1 and 2 picked in its <select>s.
        #expect(text("amendment_approved").contains("contract version 2"))
        #expect(text("amendment_rejected").contains("rejected"))
        #expect(text("diff").contains("quantity"))
        #expect(o["history_rows"] as? Int == 2)
        // Backtest of the first draft: failing, a bar drawn with a height, the chart's scale, clusters with examples.
        #expect(text("first_backtest").hasPrefix("failed"))
        #expect(strings("first_chart_bars").count == 1)
        #expect((number("first_chart_bar_height") ?? 0) > 0)
        #expect(o["chart_grid_lines"] as? Int == 3)
        #expect(strings("chart_axis_labels") == ["0%", "50%", "100%", "iteration"])
        #expect(o["chart_stray_text"] as? [String] == [])
        #expect(!strings("clusters").isEmpty)
        #expect((o["cluster_examples"] as? Int ?? 0) > 0)
        // A failing file: the traceback's plugin line highlighted, and every traceback line in view (none pushed aside).
        #expect(text("failure_heading").contains("sales failed"))
        #expect(strings("traceback_highlighted").contains { $0.contains("parser.py") })
        let traceback = o["traceback_lines"] as? [[String: Any]] ?? []
        #expect(traceback.count >= 4)
        #expect(traceback.allSatisfy { $0["inside"] as? Bool == true }, "\(traceback)")
        // Enter on a focused Files row opened that file; row and source line linked both ways, by mouse and keyboard.
        #expect(text("file_url").contains("north%2Fsales_2024-01.csv"))
        let cells = strings("row_cells")
        #expect(cells.count > 2 && text("row_source_line").contains(cells[1]))
        #expect(text("row_source_index") == "3")
        #expect(text("keyboard_focused_row") == "3")
        #expect(text("keyboard_next_line") == "4")
        #expect(text("keyboard_previous_line") == "2")
        // Line 0 is the header, so source line 5 holds the fifth row (index 4).
        #expect(strings("line5_rows") == ["4"])
        #expect(o["rows_pane_scroll_left"] as? Int == 0)
        // The fix saved on the page: the second iteration passes.
        #expect(text("second_backtest").hasPrefix("passed"))
        #expect(strings("second_chart_bars").last == "1")
        #expect((o["fixed"] as? Int ?? 0) > 0)
        // Execute from the Jobs view.
        #expect(text("execute_row").contains("done"))
        #expect(text("execute_detail").contains("rows_written: 2615"))
        // Query, reached with Alt+7, / focusing the SQL, run with Ctrl+Enter: the sum read off the page equals the CLI's.
        #expect(o["query_by_keyboard"] as? Bool == true)
        #expect(text("slash_focus") == "sql")
        #expect(text("query_tables_note").contains("Tables: sales (2615 rows)"))
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
        // A plugin saved with the page's own fetch and token, its backtest cancelled from the Jobs view.
        #expect((o["slow_saved"] as? [String: Any])?["plugin"] as? String == "slow")
        #expect(text("cancelled").contains("cancelled"))
        // Cross-site: Firefox posting a form from a real page of another origin; the Lab refuses it.
        #expect(text("cross_site_page").contains("Forbidden: Origin"))
        // The console read sees a page's error (a probe), and no other error was logged.
        #expect(o["console_probe_seen"] as? Bool == true)
        #expect(o["console_errors"] as? [String] == [], "\(o["console_errors"] ?? "")")
        #expect((o["screenshots"] as? [String] ?? []).count == 13)
        #expect(o["lab_exit"] as? Int == 0)
    }
}
