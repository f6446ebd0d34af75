import CasparianTestSupport
import Foundation
import Testing

/// The Parser Lab in a real browser (Debian's chromium, driven by Selenium
/// from the test venv): the README's flow done on the page alone, each view
/// seen and screenshotted, and what the server must refuse.
@Suite("Parser Lab in a browser")
struct LabBrowserTests {
    static let chromium = "/usr/bin/chromium"
    static let chromedriver = "/usr/bin/chromedriver"

    static var browserMissing: Bool {
        !FileManager.default.isExecutableFile(atPath: chromium) || !FileManager.default.isExecutableFile(atPath: chromedriver)
    }

    @Test(
        .disabled(
            if: browserMissing, "chromium and chromium-driver are not installed: run `make deps` (apt-get install chromium chromium-driver)"
        ),
        .timeLimit(.minutes(10 * Sanitizer.slowdown)))
    func theWholeFlowOnThePageAloneAndCrossSiteRequestsAreRefused() async throws {
        guard
            let flow = try await LabFlow.run(
                "lab_flow.py", copy: "lab", screenshots: LabFlow.screenshots(suffix: ""),
                arguments: ["--chromium", Self.chromium, "--chromedriver", Self.chromedriver])
        else { return }
        flow.expectTheReadmeFlow()
        // Forged requests: refused.
        #expect(flow.status("post_without_token").0 == 403)
        #expect(flow.status("post_without_token").1.contains("cross-site requests are refused"))
        #expect(flow.status("post_foreign_origin").0 == 403)
        #expect(flow.status("post_foreign_origin").1.contains("Origin http://evil.example is not allowed"))
        #expect(flow.status("get_foreign_origin").0 == 403)
        #expect(flow.status("post_own_origin").0 == 200)
        #expect(flow.status("foreign_host").0 == 421)
        // Bad input: clear errors.
        #expect(flow.status("unknown_plugin").0 == 404 && flow.status("unknown_plugin").1.contains("no plugin nope"))
        #expect(flow.status("unknown_file").0 == 404 && flow.status("unknown_file").1.contains("no file /etc/passwd"))
        #expect(flow.status("unknown_discovery").0 == 404)
        #expect(flow.status("unknown_job").0 == 404)
        #expect(flow.status("unknown_api").0 == 404)
        #expect(flow.status("not_json").0 == 400 && flow.status("not_json").1.contains("not a JSON object"))
        #expect(flow.status("missing_parameter").0 == 400 && flow.status("missing_parameter").1.contains("missing parameter scope"))
        #expect(flow.status("get_on_post_route").0 == 405)
        let busy = flow.o["port_in_use"] as? [String: Any] ?? [:]
        #expect(busy["code"] as? Int != 0 && (busy["stderr"] as? String ?? "").contains("is in use"))
        let bad = flow.o["bad_addr"] as? [String: Any] ?? [:]
        #expect(bad["code"] as? Int == 2 && (bad["stderr"] as? String ?? "").contains("is not HOST:PORT"))
        let beyond = flow.o["beyond_loopback_without_token"] as? [String: Any] ?? [:]
        #expect(beyond["code"] as? Int == 2 && (beyond["stderr"] as? String ?? "").contains("needs a bearer token"))
        // Beyond loopback: the token once in a link, then a cookie; the page works, other origins do not.
        #expect(flow.text("wide_printed").contains("?token=YOUR_TOKEN"))
        #expect(flow.o["wide_no_token"] as? Int == 401)
        #expect(flow.o["wide_wrong_token"] as? Int == 401)
        let link = flow.o["wide_token_link"] as? [Any] ?? []
        #expect(link.first as? Int == 303 && (link.count > 1 && (link[1] as? String ?? "").contains("HttpOnly")))
        #expect(flow.o["wide_with_cookie"] as? Int == 200)
        #expect(flow.o["wide_post"] as? Int == 200)
        #expect(flow.o["wide_post_foreign"] as? Int == 403)
        #expect((flow.o["console_errors"] as? [String] ?? []).isEmpty)
    }
}
