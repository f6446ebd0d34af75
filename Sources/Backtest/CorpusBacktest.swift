import CasparianCore
import Contracts
import Foundation
import Logging
import PluginHost

/// CI's front door: every plugin of a plugins folder over the corpus files
/// its `pattern` claims, against its `contract.json` (without one, against
/// the types the run's passing files prove) — no workspace needed.
public struct CorpusBacktest: Sendable {
    public var pluginsDirectory: URL
    public var corpus: URL
    /// Only this plugin (by name), when set.
    public var pluginName: String?
    public var options: BacktestOptions

    public init(pluginsDirectory: URL, corpus: URL, pluginName: String?, options: BacktestOptions) {
        self.pluginsDirectory = pluginsDirectory
        self.corpus = corpus
        self.pluginName = pluginName
        self.options = options
    }

    /// One plugin's inputs, checked before anything runs.
    public struct Plan: Sendable {
        public var plugin: PluginDirectory
        public var contract: SchemaContract?
        public var files: [String]
        public var excluded: Int
    }

    /// Checks the configuration (plugins, patterns, contracts, corpus) and
    /// lists each plugin's files; every problem is a `usage` error.
    public func plan() throws -> [Plan] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: corpus.path, isDirectory: &isDir), isDir.boolValue else {
            throw CasparianError(.usage, "corpus \(corpus.path) is not a folder", hint: "pass --corpus DIR with the files to test")
        }
        var plugins = try PluginDirectory.list(in: pluginsDirectory)
        if plugins.isEmpty {
            throw CasparianError(
                .usage, "no plugins in \(pluginsDirectory.path) (no folder with a parser.py)",
                hint: "pass the folder that holds plugin folders, e.g. plugins/")
        }
        if let name = pluginName {
            plugins = plugins.filter { $0.name == name }
            if plugins.isEmpty {
                let known = try PluginDirectory.list(in: pluginsDirectory).map(\.name).joined(separator: ", ")
                throw CasparianError(.usage, "no plugin named \(name) in \(pluginsDirectory.path)", hint: "plugins there: \(known)")
            }
        }
        let files = try CorpusFiles.list(corpus)
        return try plugins.map { plugin in
            guard let patternText = plugin.pattern else {
                throw CasparianError(
                    .usage, "plugin \(plugin.name) has no pattern, so it claims no files",
                    hint: "add a line like `pattern = \"**/*.csv\"` to \(plugin.parserURL.path)")
            }
            let pattern = try GlobPattern(patternText)
            var contract: SchemaContract? = nil
            if FileManager.default.fileExists(atPath: plugin.contractURL.path) {
                contract = try ContractFile.load(plugin.contractURL)
            }
            var claimed: [String] = []
            var excluded = 0
            for (relative, absolute) in files where pattern.matches(relative) {
                if contract?.excludes(file: absolute, root: corpus.standardizedFileURL.path) == true {
                    excluded += 1
                } else {
                    claimed.append(absolute)
                }
            }
            return Plan(plugin: plugin, contract: contract, files: claimed, excluded: excluded)
        }
    }

    /// Runs every planned plugin in turn on `pool`.
    public func run(
        _ plans: [Plan], pool: WorkerPool, store: any HighFailureStore = InMemoryHighFailureStore(),
        progress: @escaping @Sendable (String, BacktestProgress) -> Void = { _, _ in }
    ) async throws -> [BacktestReport] {
        let engine = BacktestEngine(pool: pool, store: store, options: options)
        var reports: [BacktestReport] = []
        for plan in plans {
            // Without a contract, the types the passing files prove (a proof per plugin and run).
            let checker: any OutputChecker = try plan.contract.map { try ContractChecker(contract: $0) } ?? ProvenTypesChecker()
            let request = BacktestRequest(
                plugin: plan.plugin, files: plan.files, corpusRoot: corpus.path,
                scopeKey: "corpus:" + corpus.path, checker: checker,
                contractVersion: plan.contract?.version)
            let name = plan.plugin.name
            reports.append(try await engine.run(request) { progress(name, $0) })
        }
        return reports
    }
}

/// The files of a corpus folder: recursive, sorted, hidden entries and
/// symlinks to folders skipped.
public enum CorpusFiles {
    /// (path relative to `root`, absolute path) pairs.
    public static func list(_ root: URL) throws -> [(String, String)] {
        let base = root.standardizedFileURL.path
        guard
            let e = FileManager.default.enumerator(
                at: root.standardizedFileURL, includingPropertiesForKeys: [.isRegularFileKey],
                options: [.skipsHiddenFiles])
        else {
            throw CasparianError(.usage, "cannot read corpus \(base)", hint: "check the path and its permissions")
        }
        var out: [(String, String)] = []
        for case let url as URL in e {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let path = url.standardizedFileURL.path
            let relative = path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : url.lastPathComponent
            out.append((relative, path))
        }
        return out.sorted { $0.0 < $1.0 }
    }
}
