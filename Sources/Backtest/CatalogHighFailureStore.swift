import Catalog

/// The high-failure table of a workspace's catalog.
public struct CatalogHighFailureStore: HighFailureStore {
    public let catalog: Catalog

    public init(catalog: Catalog) { self.catalog = catalog }

    public func history(plugin: String, scopeKey: String, paths: [String]) throws -> [String: FileHistory.State] {
        // Every entry of the scope: the engine looks up the paths it plans.
        try catalog.highFailures(plugin: plugin, scopeKey: scopeKey).mapValues { e in
            e.consecutiveFailures > 0 ? .failing(consecutiveFailures: e.consecutiveFailures) : (e.resolved ? .resolved : .passing)
        }
    }

    public func record(plugin: String, scopeKey: String, iteration: Int, parserVersion: String, results: [FileResult]) throws {
        try catalog.recordVerdicts(
            plugin: plugin, scopeKey: scopeKey, iteration: iteration, parserVersion: parserVersion,
            verdicts: results.map {
                FileVerdictRecord(
                    path: $0.path, failed: $0.status == .failed, category: $0.category?.rawValue,
                    message: $0.message)
            })
    }
}
