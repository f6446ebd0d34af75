import CasparianCore
import CasparianTestSupport
import Foundation
import GRDB
import Inference
import Testing

@testable import Catalog

@Suite("Catalog migrations")
struct MigrationTests {
    func tempURL() throws -> URL {
        let dir = try TemporaryFolder.create("catalog")
        return dir.appendingPathComponent("catalog.sqlite")
    }

    @Test func freshCatalogHasEveryTableInWALMode() throws {
        let catalog = try Catalog(url: try tempURL())
        #expect(try catalog.appliedMigrations().contains("v1-core"))
        #expect(catalog.journalMode == "wal")
        let tables = try catalog.pool.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        for t in [
            "scopes", "files", "scope_files", "file_tags", "discoveries", "contracts", "amendments",
            "parser_versions", "runs", "run_files", "high_failures", "failure_history",
        ] {
            #expect(tables.contains(t), "missing table \(t)")
        }
    }

    @Test func reopeningIsIdempotentAndKeepsData() throws {
        let url = try tempURL()
        do {
            let c = try Catalog(url: url)
            try c.pool.write { db in
                try db.execute(sql: "INSERT INTO scopes(id, name, root, created_at) VALUES ('s1', 'sales', '/data', 'now')")
            }
        }
        let again = try Catalog(url: url)
        let names = try again.pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM scopes") }
        #expect(names == ["sales"])
        #expect(try again.appliedMigrations() == (try Catalog(url: url).appliedMigrations()))
    }

    @Test func unwritableLocationIsAClearError() {
        #expect(throws: (any Error).self) { try Catalog(url: URL(fileURLWithPath: "/proc/nope/catalog.sqlite")) }
    }
}

@Suite("Catalog discoveries")
struct DiscoveryStoreTests {
    @Test func discoveryRoundTrips() throws {
        let dir = try TemporaryFolder.create("catalog")
        let catalog = try Catalog(url: dir.appendingPathComponent("catalog.sqlite"))
        let result = DiscoveryResult(
            files: 2, rows: 10,
            outputs: [
                OutputInference(
                    name: "sales",
                    columns: [
                        ColumnInference(name: "id", type: .int64, nullable: false, status: .resolved, valuesAnalysed: 10)
                    ])
            ])
        let id = try catalog.saveDiscovery(plugin: "csv", scopeID: nil, result: result)
        #expect(id.hasPrefix("disc_"))
        let stored = try catalog.discovery(id: id)
        #expect(stored.result == result)
        #expect(stored.plugin == "csv")
        #expect(abs(stored.createdAt.timeIntervalSinceNow) < 60)
        #expect(throws: CasparianError.self) { try catalog.discovery(id: "disc_nope") }
    }
}
