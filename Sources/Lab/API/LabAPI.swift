import CasparianCore
import Foundation

/// The JSON API the page calls: one route per path. GET routes read, POST
/// routes change something (and need the page's token, see `LabRouter`).
/// Every route reads and writes through the `Workspace` façade.
enum LabAPI {
    struct Route: Sendable {
        var method: String
        var handler: @Sendable (LabCall) async throws -> Any
    }

    static let routes: [String: Route] = [
        "/api/overview": Route(method: "GET", handler: overview),
        "/api/files": Route(method: "GET", handler: files),
        "/api/file": Route(method: "GET", handler: file),
        "/api/scope": Route(method: "POST", handler: applyScope),
        "/api/discoveries": Route(method: "GET", handler: discoveries),
        "/api/discovery": Route(method: "GET", handler: discovery),
        "/api/discover": Route(method: "POST", handler: discover),
        "/api/approve": Route(method: "POST", handler: approve),
        "/api/contract": Route(method: "GET", handler: contract),
        "/api/contract/diff": Route(method: "GET", handler: contractDiff),
        "/api/amendment": Route(method: "POST", handler: decideAmendment),
        "/api/backtest": Route(method: "GET", handler: backtestResult),
        "/api/backtest/run": Route(method: "POST", handler: runBacktest),
        "/api/execute": Route(method: "POST", handler: runExecute),
        "/api/jobs": Route(method: "GET", handler: jobs),
        "/api/job": Route(method: "GET", handler: job),
        "/api/job/cancel": Route(method: "POST", handler: cancelJob),
        "/api/parser": Route(method: "GET", handler: parser),
        "/api/parser/save": Route(method: "POST", handler: saveParser),
        "/api/query": Route(method: "POST", handler: query),
        "/api/outputs": Route(method: "GET", handler: outputs),
    ]
}
