import CasparianCore
import Catalog
import Foundation

extension Workspace {
    /// Opens (creating if needed) `.casparian/output.sqlite` for writing.
    public func openOutput() throws -> OutputStore {
        try OutputStore(url: outputURL)
    }

    /// Opens a target for writing, checking that it can be written (the
    /// folder is writable, the server answers and takes the login) — so a
    /// bad target fails before any file is parsed.
    public func openTarget(_ spec: OutputTargetSpec) throws -> any OutputTarget {
        switch spec.kind {
        case .sqlite: return try openOutput()
        case .parquet: return try ParquetTarget(folder: URL(fileURLWithPath: spec.location))
        case .postgresql: return try PostgresTarget(spec: spec)
        }
    }

    /// The output tables of every target: the workspace's SQLite database
    /// and each target a plugin was executed into. A target that cannot be
    /// read (a server that does not answer) is listed with its error.
    public func outputListing() throws -> [OutputTargetListing] {
        var specs: [OutputTargetSpec] = []
        if FileManager.default.fileExists(atPath: outputURL.path) { specs.append(.sqlite) }
        for recorded in try catalog.outputTargets() {
            guard let spec = try? JSONDecoder().decode(OutputTargetSpec.self, from: Data(recorded.specJSON.utf8)) else { continue }
            if !specs.contains(spec) { specs.append(spec) }
        }
        return specs.map { spec in
            do {
                let target: any OutputTarget =
                    switch spec.kind {
                    case .sqlite: try openOutput()
                    case .parquet: try ParquetTarget(folder: URL(fileURLWithPath: spec.location), readOnly: true)
                    case .postgresql: try PostgresTarget(spec: spec, readOnly: true)
                    }
                return OutputTargetListing(target: spec.description, kind: spec.kind, tables: try target.tables(), error: nil)
            } catch {
                return OutputTargetListing(target: spec.description, kind: spec.kind, tables: [], error: "\(error)")
            }
        }
    }
}

/// One target's tables, as `Workspace.outputListing` gives them.
public struct OutputTargetListing: Sendable, Equatable, Codable {
    /// The target as people read it (a password shows as `***`).
    public var target: String
    public var kind: OutputTargetSpec.Kind
    public var tables: [OutputTableInfo]
    /// Why the target could not be read, if it could not.
    public var error: String?
}

extension Workspace {
    /// Runs one read-only SQL statement over a target's tables:
    /// output.sqlite (see `ReadOnlyQuery`) or a PostgreSQL schema (in a
    /// read-only transaction with a statement timeout). A Parquet folder is
    /// read with a Parquet reader, not here.
    public func query(_ sql: String, target: OutputTargetSpec = .sqlite, options: QueryOptions = QueryOptions()) throws
        -> QueryResult
    {
        target.kind == .sqlite
            ? try ReadOnlyQuery(database: outputURL, options: options).run(sql) : try Workspace.query(sql, target: target, options: options)
    }

    /// `query` over a target outside the workspace (no workspace needed).
    public static func query(_ sql: String, target: OutputTargetSpec, options: QueryOptions = QueryOptions()) throws -> QueryResult {
        switch target.kind {
        case .sqlite:
            throw CasparianError(.internal, "the SQLite target is read through a workspace", hint: "query it with Workspace.query")
        case .postgresql: return try PostgresTarget(spec: target, readOnly: true).query(sql, options: options)
        case .parquet:
            throw CasparianError(
                .usage, "casparian does not query Parquet folders; read \(target.location) with a Parquet reader",
                hint: "DuckDB: SELECT … FROM read_parquet('\(target.location)/TABLE/*.parquet', union_by_name = true); "
                    + "pyarrow: pq.read_table('\(target.location)/TABLE')")
        }
    }
}
