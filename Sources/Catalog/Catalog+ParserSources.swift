import CasparianCore
import Foundation
import GRDB

extension Catalog {
    /// The source of a parser version the catalog kept, or nil.
    public func parserSource(plugin: String, version: String) throws -> String? {
        try pool.read { db in
            try String.fetchOne(
                db, sql: "SELECT source FROM parser_versions WHERE plugin = ? AND version = ?", arguments: [plugin, version])
        }
    }
}
