import CasparianCore
import Catalog
import Contracts
import Foundation
import Inference

/// The result of approving a discovery.
public struct ApprovalOutcome: Codable, Sendable {
    public var contract: SchemaContract
    /// Where `contract.json` was written.
    public var contractFile: String
    /// The `parser.py` written for a discovery of the built-in reader whose
    /// plugin had none (`BuiltinCSVPlugin`), so `backtest` and `run` execute it.
    public var parserWritten: String?
    /// Files the built-in reader's discovery skipped (another format), now
    /// in the contract's `excluded_files`, so backtest and run leave them out.
    public var excludedSkipped: [DiscoveryResult.SkippedFile] = []

    enum CodingKeys: String, CodingKey {
        case contract
        case contractFile = "contract_file"
        case parserWritten = "parser_written"
        case excludedSkipped = "excluded_skipped"
    }
}

extension ApprovalOutcome {
    /// "2 files discovery skipped are excluded: page.csv (html/xml), data.json (json)"; nil when none were.
    public var excludedSkippedText: String? {
        guard !excludedSkipped.isEmpty else { return nil }
        let n = excludedSkipped.count
        let shown = excludedSkipped.prefix(10).map { "\($0.file) (\($0.format))" }.joined(separator: ", ")
        return "\(n) file\(n == 1 ? "" : "s") discovery skipped \(n == 1 ? "is" : "are") excluded: \(shown)"
            + (n > 10 ? ", … (\(n - 10) more in excluded_files)" : "")
    }
}

/// One version in a contract's history, with how it came to be.
public struct ContractHistoryEntry: Codable, Sendable {
    public var version: Int
    public var approvedAt: Date
    public var approvedBy: String
    /// `discovery disc_…` or `amendment amd_… (split)`.
    public var origin: String
    /// What changed from the previous version.
    public var changes: [ContractDiff.Change]

    enum CodingKeys: String, CodingKey {
        case version, origin, changes
        case approvedAt = "approved_at"
        case approvedBy = "approved_by"
    }
}

extension Workspace {
    /// `plugins/` beside `.casparian/`, where plugin folders (and their
    /// `contract.json`) live unless a command names another folder.
    public var defaultPluginsDirectory: URL { Workspace.defaultPluginsDirectory(root: root) }

    /// `plugins/` beside `.casparian/`.
    public static func defaultPluginsDirectory(root: URL) -> URL { root.appendingPathComponent("plugins") }

    /// The latest version of the contract with `id`.
    public func contract(id: String) throws -> SchemaContract {
        try catalog.contract(id: id)
    }

    /// Builds an approval request from command-line style arguments:
    /// `answers` as `COLUMN=TYPE[:FORMAT]`, `overrides` as
    /// `COLUMN.FIELD=VALUE` or `OUTPUT.mode=…`.
    public func approvalRequest(
        discoveryID: String, plugin: String, answers: [String], overrides: [String],
        excludedFiles: [String], approvedBy: String
    ) throws -> ApprovalRequest {
        let discovery = try catalog.discovery(id: discoveryID)
        var request = ApprovalRequest(plugin: plugin, excludedFiles: excludedFiles, approvedBy: approvedBy)
        try request.addAnswers(answers)
        try request.addOverrides(overrides, outputs: Set(discovery.result.outputs.map(\.name)))
        return request
    }

    /// Locks a discovery as the plugin's contract and writes
    /// `PLUGINS/<plugin>/contract.json` (creating the plugin folder when it
    /// does not exist yet), in one transaction with the catalog.
    ///
    /// A plugin that already has a contract is changed through amendments;
    /// `replace` instead makes this discovery its next version.
    public func approve(discoveryID: String, request: ApprovalRequest, pluginsDirectory: URL? = nil, replace: Bool = false) throws
        -> ApprovalOutcome
    {
        try Workspace.checkPluginName(request.plugin)
        let file = ContractFile.url(plugin: request.plugin, pluginsDirectory: pluginsDirectory ?? defaultPluginsDirectory)
        var builtinReader = false
        var skipped: [DiscoveryResult.SkippedFile] = []
        var readFiles: [String] = []
        let contract = try catalog.approveDiscovery(
            discoveryID, plugin: request.plugin,
            build: { discovery, current in
                builtinReader = discovery.plugin == DiscoveryParser.builtinName
                readFiles = discovery.result.outputs.flatMap { $0.files ?? [] }
                if let current, !replace {
                    throw CasparianError(
                        .conflict, "plugin \(request.plugin) already has contract \(current.id) version \(current.version)",
                        hint:
                            "change it with `casparian amend propose \(request.plugin) …`, or pass --replace to make this discovery version \(current.version + 1)"
                    )
                }
                let schemas = try ContractApproval.lockSchemas(from: discovery.result, request: request)
                // What the built-in reader skipped would fail as a file of no family: left out, by name.
                var excluded = request.excludedFiles
                if builtinReader {
                    skipped = discovery.result.skippedFiles ?? []
                    for f in skipped {
                        let pattern = f.file.hasPrefix("/") ? f.file : SchemaContract.exclusionPattern(relativePath: f.file)
                        if !excluded.contains(pattern) { excluded.append(pattern) }
                    }
                }
                return try ContractFile.checked(
                    SchemaContract(
                        id: current?.id ?? Identifier.make("ctr"), plugin: request.plugin, scope: discovery.scopeID,
                        version: (current?.version ?? 0) + 1, approvedAt: ContractFile.canonical(Date()),
                        approvedBy: request.approvedBy, schemas: schemas, excludedFiles: excluded,
                        discoveryID: discovery.id))
            }, beforeCommit: { try ContractFile.write($0, to: file) })
        var outcome = ApprovalOutcome(contract: contract, contractFile: file.path)
        outcome.excludedSkipped = skipped
        // What the built-in reader discovered runs as a plugin of its own: the reference reader, routed per family.
        let parser = file.deletingLastPathComponent().appendingPathComponent("parser.py")
        if builtinReader, !FileManager.default.fileExists(atPath: parser.path) {
            let plugin = try writeParser(
                plugin: request.plugin, source: BuiltinCSVPlugin.source(pattern: BuiltinCSVPlugin.pattern(files: readFiles)),
                pluginsDirectory: file.deletingLastPathComponent().deletingLastPathComponent())
            outcome.parserWritten = plugin.parserURL.path
        }
        return outcome
    }

    /// The plugin's contract: `version`, or the latest.
    public func contract(plugin: String, version: Int? = nil) throws -> SchemaContract {
        try catalog.contract(plugin: plugin, version: version)
    }

    /// Every version, oldest first, with its origin and changes.
    public func contractHistory(plugin: String) throws -> [ContractHistoryEntry] {
        let versions = try catalog.contractHistory(plugin: plugin)
        guard !versions.isEmpty else {
            _ = try catalog.contract(plugin: plugin)
            return []
        }
        let amendments = try catalog.amendments(plugin: plugin, status: .approved)
        var previous: SchemaContract? = nil
        return versions.map { c in
            defer { previous = c }
            let origin: String
            if let a = amendments.first(where: { $0.resultingVersion == c.version && $0.contractID == c.id }) {
                origin = "amendment \(a.id) (\(a.action?.rawValue ?? "approve"))"
            } else if c.version == 1 || c.discoveryID != previous?.discoveryID {
                origin = c.discoveryID.map { "discovery \($0)" } ?? "imported"
            } else {
                origin = "unknown"
            }
            return ContractHistoryEntry(
                version: c.version, approvedAt: c.approvedAt, approvedBy: c.approvedBy, origin: origin,
                changes: previous.map { ContractDiff(from: $0, to: c).changes } ?? [])
        }
    }

    /// What changed from version `from` to version `to`.
    public func contractDiff(plugin: String, from: Int, to: Int) throws -> ContractDiff {
        ContractDiff(from: try catalog.contract(plugin: plugin, version: from), to: try catalog.contract(plugin: plugin, version: to))
    }

    /// The output of `plugin`'s contract a hand-written amendment changes:
    /// the one asked for, else the contract's only output (or the one named
    /// after the plugin); a contract with several outputs needs the choice.
    /// The same for every front door.
    public func amendmentOutput(_ requested: String?, plugin: String) throws -> String {
        let contract = try catalog.contract(plugin: plugin)
        let outputs = contract.schemas.map(\.output).joined(separator: ", ")
        if let requested {
            guard contract.schema(for: requested) != nil else {
                throw CasparianError(.usage, "contract \(contract.id) of \(plugin) has no output \(requested)", hint: "outputs: \(outputs)")
            }
            return requested
        }
        if contract.schemas.count == 1 { return contract.schemas[0].output }
        if contract.schema(for: plugin) != nil { return plugin }
        throw CasparianError(
            .usage, "the contract of \(plugin) has several outputs; say which the changes apply to",
            hint: "outputs: \(outputs) (--output on the command line, `output` over MCP)")
    }

    /// Stores a hand-written proposal.
    public func proposeAmendment(plugin: String, proposal: AmendmentProposal) throws -> Amendment {
        let contract = try catalog.contract(plugin: plugin)
        // Fail now, not at approval, when the changes cannot apply.
        if let schema = contract.schema(for: proposal.output) { _ = try schema.applying(proposal.changes) }
        return try catalog.proposeAmendment(plugin: plugin, proposal: proposal)
    }

    /// Turns violations (a summary, e.g. from a backtest) into stored
    /// proposals, one per output. Empty when no contract change would help.
    public func proposeAmendments(plugin: String, evidence: ViolationSummary) throws -> [Amendment] {
        let contract = try catalog.contract(plugin: plugin)
        return try AmendmentProposal.fromEvidence(evidence, contract: contract).map {
            try catalog.proposeAmendment(plugin: plugin, proposal: $0)
        }
    }

    public func amendment(id: String) throws -> Amendment { try catalog.amendment(id: id) }

    public func amendments(plugin: String, status: Amendment.Status? = nil) throws -> [Amendment] {
        try catalog.amendments(plugin: plugin, status: status)
    }

    /// Decides an amendment; approving actions write the new version's
    /// `contract.json` in the same transaction.
    public func decideAmendment(id: String, decision: AmendmentDecision, pluginsDirectory: URL? = nil) throws
        -> (amendment: Amendment, contract: SchemaContract?, contractFile: String?)
    {
        let plugin = try catalog.amendment(id: id).plugin
        let file = ContractFile.url(plugin: plugin, pluginsDirectory: pluginsDirectory ?? defaultPluginsDirectory)
        let (amendment, contract) = try catalog.decideAmendment(
            id: id, decision: decision, beforeCommit: { try ContractFile.write($0, to: file) })
        return (amendment, contract, contract == nil ? nil : file.path)
    }

    /// Whether `contract.json` and the catalog agree.
    public func checkContractFile(plugin: String, pluginsDirectory: URL? = nil) throws -> ContractDrift {
        ContractDrift.check(
            plugin: plugin, catalog: try catalog.latestContract(plugin: plugin),
            file: ContractFile.url(plugin: plugin, pluginsDirectory: pluginsDirectory ?? defaultPluginsDirectory))
    }

    static func checkPluginName(_ name: String) throws {
        let ok =
            !name.isEmpty
            && name.utf8.allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D || b == 0x2E
            } && !name.hasPrefix(".")
        guard ok else {
            throw CasparianError(
                .usage, "\"\(name)\" is not a plugin name (letters, digits, _ - and . only, not starting with .)",
                hint: "use the plugin's folder name, e.g. --plugin sales")
        }
    }
}
