import CasparianTestSupport
import Foundation
import MCP
import Testing

@testable import MCPServer
@testable import Workspace

@Suite("get_run_status between a run's end and its answer")
struct RunStatusTests {
    /// The workspace records a run's end before the server has made the
    /// tool's answer from it; a poll in between said `done` with no result.
    @Test func aRunIsRunningUntilItsAnswerIsKept() async throws {
        let ws = try TemporaryFolder.create("run-status")
        let environment = try ServerEnvironment(
            configuration: ServerConfiguration(roots: [ws.path], workspaceDirectory: ws.path, workers: 1),
            logger: .init(label: "test"))
        let run = try environment.workspace.openRun(kind: .backtest, plugin: "p", scopeID: nil, parserVersion: "v1")
        let ended = AsyncStream<Void>.makeStream()
        let answer = AsyncStream<Void>.makeStream()
        _ = environment.runs.start(run, progress: .none) { context in
            try context.run.finish(status: .done, resultJSON: #"{"files_passed": 3}"#)
            ended.continuation.yield()
            for await _ in answer.stream { break }
            return ToolReply(["files_passed": .int(3)], summary: "3 files passed")
        }
        for await _ in ended.stream { break }
        let call = ToolCall(name: "get_run_status", arguments: ["run_id": .string(run.id)], environment: environment, progress: .none)
        let between = try await RunStatusTool.run(call)
        #expect(between.structured.objectValue?["status"]?.stringValue == "running", "\(between.structured)")
        answer.continuation.yield()
        _ = await environment.runs.wait(run.id, budget: .seconds(30 * Sanitizer.slowdown))
        let after = try await RunStatusTool.run(call).structured.objectValue
        #expect(after?["status"]?.stringValue == "done")
        #expect(after?["result"]?.objectValue?["files_passed"]?.intValue == 3, "\(String(describing: after))")
        await environment.shutdown()
    }
}
