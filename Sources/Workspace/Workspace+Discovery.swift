import CasparianCore
import Catalog
import Contracts
import Foundation
import Inference
import Logging

/// What a finished discovery run records as its result.
private struct DiscoveryRunResult: Encodable {
    var discoveryID: String
    var parser: String
    var files: Int
    var rows: Int
    var outputs: Int
    var filesFailed: Int

    enum CodingKeys: String, CodingKey {
        case parser, files, rows, outputs
        case discoveryID = "discovery_id"
        case filesFailed = "files_failed"
    }
}

extension Workspace {
    /// Discovers `paths` as a run of this workspace — a job like a backtest
    /// or an execute: listed by `casparian jobs`, cancellable from any
    /// process, with its scope when it reads one — and stores the result
    /// (with that scope). `run` is a run the caller opened (the MCP server
    /// answers with its id); without one, one is opened here.
    public func discover(
        paths: [String], parser: DiscoveryParser, options: DiscoveryOptions = DiscoveryOptions(),
        scopeID: String? = nil, run given: WorkspaceRun? = nil,
        logger: Logger = Logger(label: "casparian.discover"),
        progress: @escaping @Sendable (_ stage: DiscoveryStage, _ done: Int, _ total: Int) -> Void = { _, _, _ in }
    ) async throws -> DiscoveryRun {
        let run = try given ?? openDiscoveryRun(parser: parser, scopeID: scopeID)
        do {
            var found = try await run.perform {
                try await DiscoveryEngine(options: options, logger: logger).discover(paths: paths, parser: parser) {
                    stage, done, total in
                    run.publish(
                        JobProgress(filesDone: done, filesTotal: total, stage: stage == .headers ? stage.rawValue : nil),
                        force: done == total)
                    progress(stage, done, total)
                }
            }
            if !found.skipped.isEmpty {
                // Named relative to the root, so the contract that excludes them works on any checkout.
                let root = try catalog.scopes().first { $0.id == scopeID }?.definition.root
                found.result.skippedFiles = found.skipped.map { s in
                    DiscoveryResult.SkippedFile(
                        file: root.flatMap { SchemaContract.relativePath(s.file, to: $0) } ?? s.file, format: s.label)
                }
            }
            let id = try catalog.saveDiscovery(plugin: parser.name, scopeID: scopeID, result: found.result)
            found.discoveryID = id
            let result = DiscoveryRunResult(
                discoveryID: id, parser: parser.name, files: found.result.files, rows: found.result.rows,
                outputs: found.result.outputs.count, filesFailed: found.failures.count)
            try run.finish(
                status: .done, resultJSON: try result.jsonText(),
                progressJSON: try JobProgress(filesDone: found.filesRead + found.failures.count, filesTotal: found.filesFound).jsonText())
            return found
        } catch {
            run.fail(error)
            throw error
        }
    }

    /// Discovers the files of `scope` (see `discover(paths:…)`).
    public func discover(
        scope: StoredScope, parser: DiscoveryParser, options: DiscoveryOptions = DiscoveryOptions(),
        run: WorkspaceRun? = nil, logger: Logger = Logger(label: "casparian.discover"),
        progress: @escaping @Sendable (_ stage: DiscoveryStage, _ done: Int, _ total: Int) -> Void = { _, _, _ in }
    ) async throws -> DiscoveryRun {
        let files = try catalog.scopeFilePaths(scopeID: scope.id)
        guard !files.isEmpty else {
            let error = CasparianError(
                .notFound, "scope \(scope.definition.name) has no files",
                hint: "refresh it (`casparian scope refresh \(scope.definition.name)`, or apply_scope again) or widen its include globs")
            run?.fail(error)
            throw error
        }
        return try await discover(
            paths: files, parser: parser, options: options, scopeID: scope.id, run: run, logger: logger,
            progress: progress)
    }

    /// Opens the run a discovery of `parser` records itself in.
    public func openDiscoveryRun(parser: DiscoveryParser, scopeID: String?) throws -> WorkspaceRun {
        try openRun(kind: .discover, plugin: parser.name, scopeID: scopeID, parserVersion: parser.version)
    }

    /// A stored discovery.
    public func discovery(id: String) throws -> StoredDiscovery {
        try catalog.discovery(id: id)
    }
}

extension DiscoveryParser {
    /// The parser version a discovery ran (nil for the built-in reader).
    public var version: String? {
        switch self {
        case .builtinCSV: return nil
        case .plugin(let p, _): return p.version
        }
    }
}
