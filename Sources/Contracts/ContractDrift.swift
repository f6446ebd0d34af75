import CasparianCore
import Foundation

/// Whether a plugin's `contract.json` and the catalog's latest version agree.
public struct ContractDrift: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case inSync = "in_sync"
        /// The catalog has a contract but the file is not there.
        case fileMissing = "file_missing"
        /// The file does not parse or type-check (see `problem`).
        case fileInvalid = "file_invalid"
        /// The file is valid but the catalog has no contract for the plugin.
        case notInCatalog = "not_in_catalog"
        /// Both exist and differ (see `differences`).
        case differs
    }

    public var plugin: String
    public var file: String
    public var status: Status
    public var catalogVersion: Int?
    public var fileVersion: Int?
    public var problem: String?
    /// From the catalog's version to the file's.
    public var differences: [ContractDiff.Change]

    enum CodingKeys: String, CodingKey {
        case plugin, file, status, problem, differences
        case catalogVersion = "catalog_version"
        case fileVersion = "file_version"
    }

    public var isInSync: Bool { status == .inSync }

    /// Compares `catalog` (the plugin's latest version, nil when it has
    /// none) with the file at `file`.
    public static func check(plugin: String, catalog: SchemaContract?, file: URL) -> ContractDrift {
        var drift = ContractDrift(
            plugin: plugin, file: file.path, status: .inSync, catalogVersion: catalog?.version,
            fileVersion: nil, problem: nil, differences: [])
        guard FileManager.default.fileExists(atPath: file.path) else {
            drift.status = catalog == nil ? .notInCatalog : .fileMissing
            drift.problem = catalog == nil ? "neither the catalog nor \(file.path) has a contract" : "\(file.path) does not exist"
            return drift
        }
        let onDisk: SchemaContract
        do {
            onDisk = try ContractFile.load(file)
        } catch {
            drift.status = .fileInvalid
            drift.problem = (error as? CasparianError)?.message ?? "\(error)"
            return drift
        }
        drift.fileVersion = onDisk.version
        guard let catalog else {
            drift.status = .notInCatalog
            drift.problem = "the catalog has no contract for \(plugin)"
            return drift
        }
        if onDisk == catalog { return drift }
        drift.status = .differs
        drift.differences = ContractDiff(from: catalog, to: onDisk).changes
        var notes: [String] = []
        if onDisk.version != catalog.version {
            notes.append("the file is version \(onDisk.version), the catalog's latest is \(catalog.version)")
        }
        for (field, a, b) in [
            ("id", catalog.id, onDisk.id), ("plugin", catalog.plugin, onDisk.plugin),
            ("approved_by", catalog.approvedBy, onDisk.approvedBy),
        ]
        where a != b {
            notes.append("\(field) is \"\(b)\" in the file, \"\(a)\" in the catalog")
        }
        if onDisk.approvedAt != catalog.approvedAt { notes.append("approved_at differs") }
        if !drift.differences.isEmpty {
            notes.append("\(drift.differences.count) schema difference\(drift.differences.count == 1 ? "" : "s")")
        }
        drift.problem = notes.joined(separator: "; ")
        return drift
    }
}
