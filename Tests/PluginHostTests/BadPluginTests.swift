import CasparianCore
import Foundation
import PluginHost
import Testing
import WireProtocol

@Suite("Plugins that cannot load or yield bad rows")
struct BadPluginTests {
    let pool = WorkerPool(environment: Fixtures.environment(), size: 1)

    func failure(_ name: String, file: String? = nil) async throws -> PluginFailure {
        let path = try file ?? Fixtures.csvFile().path
        let parsed = try await pool.parseOne(try Fixtures.plugin(name), path)
        return try #require(parsed.outcome?.failure, "\(name) should fail")
    }

    @Test func syntaxErrorNamesPluginFileAndLine() async throws {
        let f = try await failure("syntaxerror")
        #expect(f.category == .pluginError)
        #expect(f.errorType == "SyntaxError")
        #expect(f.line == 1)
        #expect(f.message.contains("plugin syntaxerror failed to load"))
        #expect(f.pluginFile?.hasSuffix("syntaxerror/parser.py") == true)
    }

    @Test func aMissingWorkerBinaryStopsTheRunWithAHintAndReportsNoFile() async throws {
        var env = Fixtures.environment()
        env.workerExecutable = "/nonexistent/casparian-worker"
        let lonely = WorkerPool(environment: env, size: 2)
        let finished = Counter()
        let file = try Fixtures.csvFile().path
        await #expect {
            try await lonely.run(
                plugin: try Fixtures.plugin("good"), jobs: (0..<5).map { ParseJob(index: $0, path: file) },
                callbacks: ParseCallbacks(onFinish: { _, _, _ in finished.add() }))
        } throws: { error in
            guard let e = error as? CasparianError else { return false }
            return e.message.contains("could not start worker /nonexistent/casparian-worker")
                && (e.hint ?? "").contains("CASPARIAN_WORKER_BINARY")
        }
        #expect(finished.value == 0)
    }

    @Test func missingParseSaysWhatToAdd() async throws {
        let f = try await failure("noparse")
        #expect(f.message.contains("defines no parse function"))
    }

    @Test func wrongSignatureIsRefused() async throws {
        let f = try await failure("badsignature")
        #expect(f.message.contains("must take (path) or (path, ctx)"))
    }

    @Test func importErrorNamesTheModule() async throws {
        let f = try await failure("importerror")
        #expect(f.errorType == "ModuleNotFoundError")
        #expect(f.message.contains("definitely_not_a_module_xyz"))
        #expect(f.line == 1)
    }

    @Test func yieldingANonRowIsBadOutputWithTheRow() async throws {
        let f = try await failure("nonrow")
        #expect(f.category == .badOutput)
        #expect(f.row == 2)
        #expect(f.message.contains("builtins.int"))
    }

    @Test func reservedColumnNamesAreRejected() async throws {
        let f = try await failure("reserved")
        #expect(f.category == .badOutput)
        #expect(f.message.contains("_cf_file"))
    }

    @Test func tupleWithoutDeclaredColumnsSaysToDeclareThem() async throws {
        let f = try await failure("notdeclared")
        #expect(f.message.contains("ctx.columns"))
    }

    @Test func fileThatDoesNotExistIsAPluginErrorNamingIt() async throws {
        let f = try await failure("wrongfile", file: "/nonexistent/file.csv")
        #expect(f.errorType == "FileNotFoundError")
        #expect(f.message.contains("/nonexistent/file.csv"))
    }

    @Test func loadFailureFailsEveryFileWithoutRespawningWorkers() async throws {
        let path = try Fixtures.csvFile().path
        let c = try await pool.parse(try Fixtures.plugin("syntaxerror"), [path, path, path])
        for i in 0..<3 { #expect(c[i].outcome?.failure?.errorType == "SyntaxError") }
    }

    @Test func wrongPythonIsAClearError() async throws {
        let bad = WorkerPool(environment: Fixtures.environment(python: "/nonexistent/python3"), size: 1)
        let parsed = try await bad.parseOne(try Fixtures.plugin("good"), try Fixtures.csvFile().path)
        #expect(parsed.outcome?.failure?.message.contains("/nonexistent/python3") == true)
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.withLock { n += 1 } }
    var value: Int { lock.withLock { n } }
}
