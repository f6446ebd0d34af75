import CasparianCore
import Foundation
import GRDB

/// A target a plugin was executed into, as the catalog remembers it.
public struct RecordedOutputTarget: Sendable, Equatable {
    public var plugin: String
    /// The target as people read it (no password).
    public var target: String
    /// The target's spec, encoded by its owner (no password).
    public var specJSON: String
    public var lastRun: String
    public var updatedAt: Date
}

extension Catalog {
    /// Remembers that `plugin` was executed into `target` by `run`.
    public func recordOutputTarget(plugin: String, target: String, specJSON: String, run: String) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO output_targets(plugin, target, spec_json, last_run, updated_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(plugin, target) DO UPDATE SET spec_json = excluded.spec_json, last_run = excluded.last_run,
                        updated_at = excluded.updated_at
                    """, arguments: [plugin, target, specJSON, run, Timestamp.now()])
        }
    }

    /// Every target plugins were executed into, newest first.
    public func outputTargets() throws -> [RecordedOutputTarget] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM output_targets ORDER BY updated_at DESC, plugin").map { r in
                RecordedOutputTarget(
                    plugin: r["plugin"], target: r["target"], specJSON: r["spec_json"], lastRun: r["last_run"],
                    updatedAt: Timestamp.parse(r["updated_at"]) ?? Date(timeIntervalSince1970: 0))
            }
        }
    }
}
