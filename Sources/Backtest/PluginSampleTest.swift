import CasparianCore
import Contracts
import Foundation
import PluginHost

/// `casparian test`: a plugin over its own `samples/`, against its contract
/// when it has one; without one, every sample's output must agree with the
/// types the other passing samples prove (as CI mode judges).
public enum PluginSampleTest {
    public static func run(
        plugin name: String, pluginsDirectory: URL,
        environment: (URL) -> WorkerEnvironment
    ) async throws -> BacktestReport {
        let dir = pluginsDirectory.appendingPathComponent(name)
        let plugin = try PluginDirectory(url: dir)
        let samples = dir.appendingPathComponent("samples")
        let files = (try? CorpusFiles.list(samples).map(\.1)) ?? []
        guard !files.isEmpty else {
            throw CasparianError(
                .usage, "plugin \(name) has no sample files in \(samples.path)",
                hint: "copy a few typical files there (`casparian new \(name) --from FILE` does it for one)")
        }
        let contract = FileManager.default.fileExists(atPath: plugin.contractURL.path) ? try ContractFile.load(plugin.contractURL) : nil
        var options = BacktestOptions()
        options.failFast = false
        let pool = WorkerPool(environment: environment(dir), limits: .authoring, size: min(2, files.count))
        defer { pool.shutdown() }
        let engine = BacktestEngine(pool: pool, store: InMemoryHighFailureStore(), options: options)
        let checker: any OutputChecker = try contract.map { try ContractChecker(contract: $0) } ?? ProvenTypesChecker()
        return try await engine.run(
            BacktestRequest(
                plugin: plugin, files: files, corpusRoot: samples.standardizedFileURL.path,
                scopeKey: "samples", checker: checker, contractVersion: contract?.version))
    }
}
