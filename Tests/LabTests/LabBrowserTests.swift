import CasparianTestSupport
import Foundation
import Testing

/// The Parser Lab in a real browser (Debian's chromium, driven by Selenium
/// from the test venv): the README's flow done on the page alone, each view
/// seen and screenshotted, and what the server must refuse.
@Suite("Parser Lab in a browser")
struct LabBrowserTests {
    static let clients = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Clients")
    static let chromium = "/usr/bin/chromium"
    static let chromedriver = "/usr/bin/chromedriver"

    /// Where the screenshots go: kept after the test (not in its scratch folder) for people to look at.
    static var screenshots: URL {
        if let dir = ProcessInfo.processInfo.environment["CASPARIAN_LAB_SCREENSHOTS"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return PackageRoot.url.appendingPathComponent(".build/lab-screenshots")
    }

    static var browserMissing: Bool {
        !FileManager.default.isExecutableFile(atPath: chromium) || !FileManager.default.isExecutableFile(atPath: chromedriver)
    }

    @Test(
        .disabled(
            if: browserMissing, "chromium and chromium-driver are not installed: run `make deps` (apt-get install chromium chromium-driver)"
        ),
        .timeLimit(.minutes(10 * Sanitizer.slowdown)))
    func theWholeFlowOnThePageAloneAndCrossSiteRequestsAreRefused() async throws {
        let examples = try TemporaryFolder.copyOfExamples("lab")
        let ws = examples.appendingPathComponent("sales")
        try? FileManager.default.removeItem(at: Self.screenshots)
        print("Parser Lab screenshots: \(Self.screenshots.path)")
        var env = ProcessInfo.processInfo.environment
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        // The script waits this many times longer under a sanitizer.
        env["CASPARIAN_TEST_SLOWDOWN"] = String(Sanitizer.slowdown)
        let r = try await ProcessLaunch(
            try TestVenv.requirePython(),
            [
                Self.clients.appendingPathComponent("lab_flow.py").path, "--casparian", CLIRunner.binary, "--workspace", ws.path,
                "--screenshots", Self.screenshots.path, "--chromium", Self.chromium, "--chromedriver", Self.chromedriver,
            ], environment: env, timeout: 540 * Double(Sanitizer.slowdown)
        ).finish()
        let line = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        guard r.status == 0, let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            Issue.record("lab_flow.py exited \(r.status); stdout: \(line.prefix(3000)); stderr: \(r.stderr.suffix(6000))")
            return
        }
        func text(_ k: String) -> String { o[k] as? String ?? "" }
        func strings(_ k: String) -> [String] { o[k] as? [String] ?? [] }
        func status(_ k: String) -> (Int, String) {
            let pair = o[k] as? [Any] ?? []
            let body = pair.count > 1 ? (pair[1] as? [String: Any]).map { ($0["error"] as? String) ?? "\($0)" } ?? "\(pair[1])" : ""
            return (pair.first as? Int ?? 0, body)
        }

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
        #expect(text("cancelled").contains("cancelled"))
        // Cross-site: a real page of another origin posting a form, and forged requests.
        #expect(text("cross_site_page").contains("Forbidden: Origin"))
        #expect(status("post_without_token").0 == 403)
        #expect(status("post_without_token").1.contains("cross-site requests are refused"))
        #expect(status("post_foreign_origin").0 == 403)
        #expect(status("post_foreign_origin").1.contains("Origin http://evil.example is not allowed"))
        #expect(status("get_foreign_origin").0 == 403)
        #expect(status("post_own_origin").0 == 200)
        #expect(status("foreign_host").0 == 421)
        // Bad input: clear errors.
        #expect(status("unknown_plugin").0 == 404 && status("unknown_plugin").1.contains("no plugin nope"))
        #expect(status("unknown_file").0 == 404 && status("unknown_file").1.contains("no file /etc/passwd"))
        #expect(status("unknown_discovery").0 == 404)
        #expect(status("unknown_job").0 == 404)
        #expect(status("unknown_api").0 == 404)
        #expect(status("not_json").0 == 400 && status("not_json").1.contains("not a JSON object"))
        #expect(status("missing_parameter").0 == 400 && status("missing_parameter").1.contains("missing parameter scope"))
        #expect(status("get_on_post_route").0 == 405)
        let busy = o["port_in_use"] as? [String: Any] ?? [:]
        #expect(busy["code"] as? Int != 0 && (busy["stderr"] as? String ?? "").contains("is in use"))
        let bad = o["bad_addr"] as? [String: Any] ?? [:]
        #expect(bad["code"] as? Int == 2 && (bad["stderr"] as? String ?? "").contains("is not HOST:PORT"))
        let beyond = o["beyond_loopback_without_token"] as? [String: Any] ?? [:]
        #expect(beyond["code"] as? Int == 2 && (beyond["stderr"] as? String ?? "").contains("needs a bearer token"))
        // Beyond loopback: the token once in a link, then a cookie; the page works, other origins do not.
        #expect(text("wide_printed").contains("?token=YOUR_TOKEN"))
        #expect(o["wide_no_token"] as? Int == 401)
        #expect(o["wide_wrong_token"] as? Int == 401)
        let link = o["wide_token_link"] as? [Any] ?? []
        #expect(link.first as? Int == 303 && (link.count > 1 && (link[1] as? String ?? "").contains("HttpOnly")))
        #expect(o["wide_with_cookie"] as? Int == 200)
        #expect(o["wide_post"] as? Int == 200)
        #expect(o["wide_post_foreign"] as? Int == 403)
        #expect((o["console_errors"] as? [String] ?? []).isEmpty)
        #expect((o["screenshots"] as? [String] ?? []).count == 13)
        #expect(o["lab_exit"] as? Int == 0)
    }
}
