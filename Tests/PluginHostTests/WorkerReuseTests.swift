import CasparianCore
import Foundation
import PluginHost
import Testing

/// A warm worker parses file after file; each file's outputs are declared
/// again, because the host starts every file with no declarations.
@Suite("Worker reuse")
struct WorkerReuseTests {
    @Test func oneWorkerParsesSeveralFilesOfDictRows() async throws {
        let pool = WorkerPool(environment: Fixtures.environment(), size: 1)
        defer { pool.shutdown() }
        let files = try (0..<3).map { _ in try Fixtures.csvFile().path }
        let parsed = try await pool.parse(try Fixtures.plugin("good"), files)
        for i in 0..<3 {
            #expect(parsed[i].outcome == .parsed(rows: ["good": 2]), "file \(i): \(String(describing: parsed[i].outcome))")
            #expect(parsed[i].rows("good").count == 2)
        }
    }
}
