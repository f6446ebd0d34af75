import CasparianCore
import Foundation

/// A proposed change to a contract: what to change and why. It changes
/// nothing until a person approves it (see `AmendmentDecision`).
public struct AmendmentProposal: Codable, Sendable, Equatable {
    public enum Origin: String, Codable, Sendable {
        /// Derived from violations (`AmendmentProposal.fromEvidence`).
        case evidence
        /// Written by a person.
        case manual
    }

    /// The output table the changes apply to.
    public var output: String
    public var changes: [SchemaChange]
    public var reason: String
    public var origin: Origin
    /// Files the evidence came from (up to 100) — what `split` and
    /// `exclude_files` act on.
    public var affectedFiles: [String]
    /// A glob covering the affected files, when they share a folder.
    public var filePattern: String?
    /// The violation groups behind an evidence proposal.
    public var evidence: [ViolationSummary.Group]

    public init(
        output: String, changes: [SchemaChange], reason: String, origin: Origin = .manual,
        affectedFiles: [String] = [], filePattern: String? = nil, evidence: [ViolationSummary.Group] = []
    ) {
        self.output = output
        self.changes = changes
        self.reason = reason
        self.origin = origin
        self.affectedFiles = affectedFiles
        self.filePattern = filePattern
        self.evidence = evidence
    }

    enum CodingKeys: String, CodingKey {
        case output, changes, reason, origin, evidence
        case affectedFiles = "affected_files"
        case filePattern = "file_pattern"
    }

    /// The patterns `split` and `exclude_files` use: the file pattern, else
    /// the affected files themselves.
    public var filePatterns: [String] {
        if let filePattern { return [filePattern] }
        return affectedFiles
    }
}

/// An amendment as the catalog keeps it.
public struct Amendment: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case proposed, approved, rejected
    }

    public var id: String
    public var contractID: String
    public var plugin: String
    /// The contract version the proposal was made against.
    public var baseVersion: Int
    public var status: Status
    public var proposal: AmendmentProposal
    public var createdAt: Date
    public var decidedAt: Date?
    public var decidedBy: String?
    public var action: AmendmentAction?
    /// The version approval created.
    public var resultingVersion: Int?
    public var note: String?

    public init(
        id: String, contractID: String, plugin: String, baseVersion: Int, status: Status, proposal: AmendmentProposal,
        createdAt: Date, decidedAt: Date? = nil, decidedBy: String? = nil, action: AmendmentAction? = nil,
        resultingVersion: Int? = nil, note: String? = nil
    ) {
        self.id = id
        self.contractID = contractID
        self.plugin = plugin
        self.baseVersion = baseVersion
        self.status = status
        self.proposal = proposal
        self.createdAt = createdAt
        self.decidedAt = decidedAt
        self.decidedBy = decidedBy
        self.action = action
        self.resultingVersion = resultingVersion
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case id, plugin, status, proposal, action, note
        case contractID = "contract_id"
        case baseVersion = "base_version"
        case createdAt = "created_at"
        case decidedAt = "decided_at"
        case decidedBy = "decided_by"
        case resultingVersion = "resulting_version"
    }
}

/// What a person does with a proposal.
public enum AmendmentAction: String, Codable, Sendable, CaseIterable {
    /// Apply the changes as proposed.
    case approve
    /// Apply the person's changes instead of the proposed ones.
    case approveWithChanges = "approve_with_changes"
    case reject
    /// Leave the schema as it is and send the affected files' rows to a
    /// separate schema (its own output table) with the changes applied.
    case split
    /// Leave the schema as it is and exclude the affected files.
    case excludeFiles = "exclude_files"
}

/// A person's decision on an amendment.
public struct AmendmentDecision: Codable, Sendable, Equatable {
    public var action: AmendmentAction
    /// For `approve_with_changes` (and optionally `split`): the changes to
    /// apply instead of the proposed ones.
    public var changes: [SchemaChange]?
    /// For `split`: the new output table's name (default `OUTPUT_split`).
    public var splitOutput: String?
    public var decidedBy: String
    public var note: String?

    public init(action: AmendmentAction, changes: [SchemaChange]? = nil, splitOutput: String? = nil, decidedBy: String, note: String? = nil)
    {
        self.action = action
        self.changes = changes
        self.splitOutput = splitOutput
        self.decidedBy = decidedBy
        self.note = note
    }
}

extension SchemaContract {
    /// Version N+1: this contract with `decision` applied to `proposal`.
    /// The result is checked like a hand-edited contract file. `reject`
    /// makes no version and is refused here.
    public func amended(by proposal: AmendmentProposal, decision: AmendmentDecision, at date: Date) throws -> SchemaContract {
        guard let index = schemas.firstIndex(where: { $0.output == proposal.output }) else {
            throw CasparianError(
                .notFound, "contract \(id) v\(version) has no output \(proposal.output)",
                hint: "outputs: \(schemas.map(\.output).joined(separator: ", "))")
        }
        var next = self
        next.version = version + 1
        next.approvedAt = ContractFile.canonical(date)
        next.approvedBy = decision.decidedBy
        let changes = decision.changes ?? proposal.changes
        switch decision.action {
        case .reject:
            throw CasparianError(.usage, "a rejected amendment makes no new version")
        case .approve, .approveWithChanges:
            if decision.action == .approveWithChanges, decision.changes == nil {
                throw CasparianError(
                    .usage, "approve_with_changes needs the changes to apply", hint: "pass them, e.g. --change-type amount=float64")
            }
            next.schemas[index] = try schemas[index].applying(changes)
        case .split:
            let patterns = proposal.filePatterns
            guard !patterns.isEmpty else {
                throw CasparianError(
                    .usage, "split needs the affected files, and the proposal names none",
                    hint: "propose it with --files PATTERN")
            }
            var split = try schemas[index].applying(changes)
            split.output = decision.splitOutput ?? "\(proposal.output)_split"
            split.source = schemas[index].pluginOutput
            split.files = patterns
            guard !schemas.contains(where: { $0.output == split.output }) else {
                throw CasparianError(
                    .conflict, "the contract already has an output \(split.output)", hint: "choose another name with --split-output NAME")
            }
            next.schemas.insert(split, at: index + 1)
        case .excludeFiles:
            let patterns = proposal.filePatterns
            guard !patterns.isEmpty else {
                throw CasparianError(
                    .usage, "exclude_files needs the affected files, and the proposal names none",
                    hint: "propose it with --files PATTERN")
            }
            next.excludedFiles += patterns.filter { !excludedFiles.contains($0) }
        }
        do {
            try ContractShape.checkMeaning(next, path: "contract \(plugin) v\(next.version)")
        } catch let e as CasparianError {
            throw CasparianError(
                .usage, "the amendment would make an invalid contract: \(e.message)",
                hint: "approve it with different changes (approve_with_changes), or reject it")
        }
        return next
    }
}
