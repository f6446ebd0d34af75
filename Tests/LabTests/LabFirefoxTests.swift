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
    static let firefox = "/usr/bin/firefox-esr"

    static var browserMissing: Bool { !FileManager.default.isExecutableFile(atPath: firefox) }

    @Test(
        .disabled(if: browserMissing, "firefox-esr is not installed: run `make deps` (apt-get install firefox-esr)"),
        .timeLimit(.minutes(10 * Sanitizer.slowdown)))
    func theWholeFlowOnThePageAloneInFirefox() async throws {
        guard
            let flow = try await LabFlow.run(
                "lab_firefox.py", copy: "lab-firefox", screenshots: LabFlow.screenshots(suffix: "-firefox"),
                arguments: ["--firefox", Self.firefox])
        else { return }
        flow.expectTheReadmeFlow()
        #expect(flow.text("browser").hasPrefix("firefox"))
        // Every declaration of the served lab.css parses in this Firefox.
        #expect(flow.o["css_unsupported"] as? [String] == [])
        // The first draft's chart: a bar drawn with a height, and the chart's scale.
        #expect((flow.number("first_chart_bar_height") ?? 0) > 0)
        #expect(flow.o["chart_grid_lines"] as? Int == 3)
        #expect(flow.strings("chart_axis_labels") == ["0%", "50%", "100%", "iteration"])
        #expect(flow.o["chart_stray_text"] as? [String] == [])
        // A failing file: every traceback line in view (none pushed aside).
        let traceback = flow.o["traceback_lines"] as? [[String: Any]] ?? []
        #expect(traceback.count >= 4)
        #expect(traceback.allSatisfy { $0["inside"] as? Bool == true }, "\(traceback)")
        // Enter on a focused Files row opened that file; rows and source lines reached by mouse and keyboard.
        #expect(flow.text("file_url").contains("north%2Fsales_2024-01.csv"))
        #expect(flow.text("row_source_index") == "3")
        #expect(flow.text("keyboard_focused_row") == "3")
        #expect(flow.text("keyboard_previous_line") == "2")
        // Selecting a row scrolls its pane vertically only.
        #expect(flow.o["rows_pane_scroll_left"] as? Int == 0)
        // The execute's detail in the Jobs view.
        #expect(flow.text("execute_detail").contains("rows_written: 2615"))
        // Query, reached with Alt+7, / focusing the SQL, run with Ctrl+Enter.
        #expect(flow.o["query_by_keyboard"] as? Bool == true)
        #expect(flow.text("slash_focus") == "sql")
        #expect(flow.text("query_tables_note").contains("Tables: sales (2615 rows)"))
        // A plugin saved with the page's own fetch and token (its backtest is the one cancelled).
        #expect((flow.o["slow_saved"] as? [String: Any])?["plugin"] as? String == "slow")
        // The console read sees a page's error (a probe), and no other error was logged.
        #expect(flow.o["console_probe_seen"] as? Bool == true)
        #expect(flow.o["console_errors"] as? [String] == [], "\(flow.o["console_errors"] ?? "")")
    }
}
