import CasparianCore
import Catalog
import Contracts
import Foundation
import GRDB
import Parquet

#if canImport(Glibc)
    import Glibc
#endif

/// A folder of Parquet datasets: one folder per output table, one Parquet
/// file per source file in it (`TABLE/NAME-HASH.parquet`), and the
/// bookkeeping in `_casparian/state.sqlite` (which plugin owns which table,
/// each source file's write and its quarantined values). Readers point at a
/// table's folder: `read_parquet('DIR/TABLE/*.parquet')` in DuckDB,
/// `pq.read_table('DIR/TABLE')` in pyarrow (both skip the `_`/`.` names).
/// Each table folder also holds `_manifest.json`: the contract version,
/// the columns and the source file of each part.
///
/// A source file's write is atomic across all its tables: its parts are
/// written under hidden temporary names (`.NAME-HASH.parquet.RUN.tmp`),
/// closed and synced; then one state transaction records the write and
/// the renames it needs; then the renames replace the old parts (and parts
/// of tables the file no longer has rows in are removed). A process killed
/// before that transaction leaves the old parts (its temporary files are
/// removed when the target is next opened); killed after it, the next open
/// finishes the renames. So each source file's rows are there exactly once,
/// old or new, and never a partial file. Between such a kill and the next
/// open, a reader may see one table's part new and another's old.
///
/// One process writes a folder at a time (an exclusive lock on
/// `_casparian/lock`).
public final class ParquetTarget: OutputTarget, @unchecked Sendable {
    public let folder: URL
    public var spec: OutputTargetSpec { OutputTargetSpec(kind: .parquet, location: folder.path, schema: nil) }
    let state: DatabaseQueue
    /// Held for the target's life: the folder has one writer.
    private let lockFD: Int32
    var writerOptions = ParquetWriterOptions()
    /// Tests only: stop a write right after its state transaction, before
    /// the renames, as a process killed there would (see `recover`).
    var stopBeforeRenames = false
    /// Serialises writes (the executor has one writer thread; this keeps
    /// the protocol safe for any caller).
    private let lock = NSLock()

    static let stateFolder = "_casparian"
    static let manifestName = "_manifest.json"

    /// Opens the folder for writing, creating it: fails (before anything
    /// is parsed) when it cannot be created or written, or another run
    /// holds it. `readOnly` (for listings) opens an existing folder's
    /// bookkeeping without the lock, and writes nothing.
    public init(folder: URL, readOnly: Bool = false) throws {
        self.folder = folder.standardizedFileURL
        let stateDir = self.folder.appendingPathComponent(Self.stateFolder)
        if readOnly {
            let path = stateDir.appendingPathComponent("state.sqlite").path
            guard FileManager.default.fileExists(atPath: path) else {
                throw CasparianError(
                    .notFound, "\(self.folder.path) holds no Casparian Parquet datasets",
                    hint: "run a plugin into it first: casparian run PLUGIN --scope NAME --to parquet:\(self.folder.path)")
            }
            var config = Configuration()
            config.readonly = true
            config.busyMode = .timeout(30)
            state = try DatabaseQueue(path: path, configuration: config)
            lockFD = -1
            return
        }
        if let failure = Self.makeFolders(stateDir.path) {
            throw CasparianError(
                .environment, "cannot create the Parquet folder \(self.folder.path): \(failure)",
                hint: "choose a folder you can write (--to parquet:FOLDER), or fix its permissions")
        }
        guard access(stateDir.path, W_OK) == 0, access(self.folder.path, W_OK) == 0 else {
            throw CasparianError(
                .environment, "the Parquet folder \(self.folder.path) is not writable",
                hint: "choose a folder you can write (--to parquet:FOLDER), or fix its permissions")
        }
        let lockPath = stateDir.appendingPathComponent("lock").path
        lockFD = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lockFD >= 0 else {
            throw CasparianError(
                .environment, "cannot open \(lockPath): \(String(cString: strerror(errno)))",
                hint: "check the permissions of \(stateDir.path)")
        }
        guard flock(lockFD, LOCK_EX | LOCK_NB) == 0 else {
            close(lockFD)
            throw CasparianError(
                .conflict, "another casparian process is writing to the Parquet folder \(self.folder.path)",
                hint: "wait for that run to end (`casparian jobs` lists the runs), or write to another folder")
        }
        do {
            var config = Configuration()
            config.busyMode = .timeout(30)
            state = try DatabaseQueue(path: stateDir.appendingPathComponent("state.sqlite").path, configuration: config)
            try Self.migrator.migrate(state)
            try recover()
        } catch {
            close(lockFD)
            throw error
        }
    }

    deinit { if lockFD >= 0 { close(lockFD) } }

    static let migrator: DatabaseMigrator = {
        var m = DatabaseMigrator()
        m.registerMigration("v1-parquet-state") { db in
            try db.execute(
                sql: """
                    CREATE TABLE outputs (
                        table_name TEXT PRIMARY KEY COLLATE NOCASE,
                        plugin TEXT NOT NULL,
                        output TEXT NOT NULL,
                        contract_version INTEGER NOT NULL,
                        columns_json TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL
                    );
                    CREATE TABLE file_writes (
                        plugin TEXT NOT NULL,
                        file TEXT NOT NULL,
                        run TEXT NOT NULL,
                        parser_version TEXT NOT NULL,
                        fingerprint TEXT,
                        rows INTEGER NOT NULL,
                        quarantined INTEGER NOT NULL,
                        written_at TEXT NOT NULL,
                        PRIMARY KEY (plugin, file)
                    ) WITHOUT ROWID;
                    CREATE TABLE file_parts (
                        plugin TEXT NOT NULL,
                        file TEXT NOT NULL,
                        table_name TEXT NOT NULL COLLATE NOCASE,
                        part TEXT NOT NULL,
                        rows INTEGER NOT NULL,
                        PRIMARY KEY (plugin, file, table_name)
                    ) WITHOUT ROWID;
                    CREATE TABLE quarantine (
                        id INTEGER PRIMARY KEY,
                        plugin TEXT NOT NULL,
                        run TEXT NOT NULL,
                        file TEXT NOT NULL,
                        "row" INTEGER NOT NULL,
                        output TEXT NOT NULL,
                        "column" TEXT,
                        kind TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        value TEXT
                    );
                    CREATE INDEX quarantine_by_file ON quarantine(plugin, file);
                    -- A committed write whose renames may not all have happened.
                    CREATE TABLE pending (
                        plugin TEXT NOT NULL,
                        file TEXT NOT NULL,
                        renames_json TEXT NOT NULL,
                        removals_json TEXT NOT NULL,
                        PRIMARY KEY (plugin, file)
                    ) WITHOUT ROWID;
                    """)
        }
        return m
    }()

    // MARK: - Crash recovery

    /// Finishes the renames of writes committed before a crash, then
    /// removes the temporary files of writes that never committed.
    private func recover() throws {
        let pending = try state.read { db in try Row.fetchAll(db, sql: "SELECT * FROM pending") }
        for row in pending {
            let renames = try JSONDecoder().decode([Rename].self, from: Data((row["renames_json"] as String).utf8))
            let removals = try JSONDecoder().decode([String].self, from: Data((row["removals_json"] as String).utf8))
            try apply(renames: renames, removals: removals)
            try state.write { db in
                try db.execute(sql: "DELETE FROM pending WHERE plugin = ? AND file = ?", arguments: [row["plugin"], row["file"]])
            }
        }
        let tables = try state.read { db in try String.fetchAll(db, sql: "SELECT table_name FROM outputs") }
        for table in tables {
            let dir = folder.appendingPathComponent(table)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            where name.hasPrefix(".") && name.hasSuffix(".tmp") {
                try? FileManager.default.removeItem(at: dir.appendingPathComponent(name))
            }
        }
        if !pending.isEmpty { try writeManifests() }
    }

    struct Rename: Codable {
        var from: String
        var to: String
    }

    /// Renames (the temporary file of a write that is gone was renamed
    /// already) and removes, then syncs the folders that changed.
    private func apply(renames: [Rename], removals: [String]) throws {
        var folders = Set<String>()
        for r in renames {
            let from = folder.appendingPathComponent(r.from).path
            let to = folder.appendingPathComponent(r.to).path
            guard FileManager.default.fileExists(atPath: from) else { continue }
            guard rename(from, to) == 0 else {
                throw CasparianError(
                    .environment, "cannot rename \(from) to \(to): \(String(cString: strerror(errno)))",
                    hint: "check the permissions of \(folder.path); the next run finishes the write")
            }
            folders.insert((to as NSString).deletingLastPathComponent)
        }
        for path in removals {
            let full = folder.appendingPathComponent(path).path
            if unlink(full) == 0 { folders.insert((full as NSString).deletingLastPathComponent) }
        }
        for dir in folders { Self.syncFolder(dir) }
    }

    static func syncFolder(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    // MARK: - Tables

    public func prepare(plugin: String, contractVersion: Int, schemas: [LockedSchema]) throws -> PluginOutputs {
        let desired = try OutputTable.layouts(for: schemas, plugin: plugin)
        for t in desired { try Self.checkFolderName(t.table) }
        let plan = try state.write { db -> PluginOutputs in
            var tables: [String: OutputTable] = [:]
            for t in desired {
                let now = Timestamp.now()
                if let owner = try Row.fetchOne(db, sql: "SELECT * FROM outputs WHERE table_name = ?", arguments: [t.table]) {
                    let ownerPlugin: String = owner["plugin"]
                    guard ownerPlugin == plugin else {
                        throw CasparianError(
                            .conflict,
                            "table \"\(t.table)\" in \(folder.path) already holds the output of plugin \(ownerPlugin), not \(plugin)",
                            hint: "give this output another name in \(plugin)'s parser, or write \(plugin) to another folder")
                    }
                    let existing = try JSONDecoder().decode([OutputColumn].self, from: Data((owner["columns_json"] as String).utf8))
                    let merged = try evolve(table: t, existing: existing, plugin: plugin, contractVersion: contractVersion)
                    try db.execute(
                        sql: "UPDATE outputs SET contract_version = ?, columns_json = ?, updated_at = ? WHERE table_name = ?",
                        arguments: [contractVersion, try merged.jsonText(), now, t.table])
                } else {
                    try db.execute(
                        sql: """
                            INSERT INTO outputs(table_name, plugin, output, contract_version, columns_json, created_at, updated_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?)
                            """, arguments: [t.table, plugin, t.output, contractVersion, try t.columns.jsonText(), now, now])
                }
                tables[t.output] = t
            }
            let all = try String.fetchAll(
                db, sql: "SELECT table_name FROM outputs WHERE plugin = ? ORDER BY table_name", arguments: [plugin])
            return PluginOutputs(plugin: plugin, contractVersion: contractVersion, tables: tables, allTables: all)
        }
        for t in plan.allTables {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(t), withIntermediateDirectories: true)
        }
        try writeManifests()
        return plan
    }

    /// A new contract may add columns, nullable or not (older parts lack
    /// them: read with `union_by_name`); it may not change a column's type.
    private func evolve(table t: OutputTable, existing: [OutputColumn], plugin: String, contractVersion: Int) throws
        -> [OutputColumn]
    {
        existing
            + (try t.additions(
                to: existing, canAddRequired: true, plugin: plugin, contractVersion: contractVersion,
                label: "table \"\(t.table)\" in \(folder.path)",
                rebuild: "`casparian output drop \(t.table) --target parquet:\(folder.path)`"))
    }

    /// A table is a folder readers list: one plain name, not hidden.
    private static func checkFolderName(_ name: String) throws {
        if name.contains("/") || name == "." || name == ".." || name.hasPrefix(".") || name.hasPrefix("_") || name.utf8.count > 200 {
            throw CasparianError(
                .usage, "output \"\(name)\" cannot be a Parquet dataset folder (no '/', no leading '.' or '_', at most 200 bytes)",
                hint: "give the output another name in the parser")
        }
    }

    public func tables() throws -> [OutputTableInfo] {
        try state.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM outputs ORDER BY table_name").map { r in
                let table: String = r["table_name"]
                let rows = try Int.fetchOne(
                    db, sql: "SELECT coalesce(sum(rows), 0) FROM file_parts WHERE table_name = ?", arguments: [table])
                return OutputTableInfo(
                    table: table, plugin: r["plugin"], output: r["output"], contractVersion: r["contract_version"], rows: rows ?? 0)
            }
        }
    }

    public func dropTable(_ table: String) throws {
        try lock.withLock {
            let name = try state.write { db -> String in
                guard
                    let owner = try Row.fetchOne(db, sql: "SELECT plugin, table_name FROM outputs WHERE table_name = ?", arguments: [table])
                else {
                    throw CasparianError(
                        .notFound, "\(folder.path) has no output table \"\(table)\"",
                        hint: "`casparian output list` shows the output tables of every target")
                }
                let plugin: String = owner["plugin"]
                let name: String = owner["table_name"]
                try db.execute(sql: "DELETE FROM outputs WHERE table_name = ?", arguments: [name])
                try db.execute(sql: "DELETE FROM file_writes WHERE plugin = ?", arguments: [plugin])
                try db.execute(sql: "DELETE FROM quarantine WHERE plugin = ?", arguments: [plugin])
                try db.execute(sql: "DELETE FROM file_parts WHERE table_name = ?", arguments: [name])
                return name
            }
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }

    public func releaseSpace() {}

    // MARK: - Writes

    public func writtenFiles(plugin: String) throws -> [String: FileWriteRecord] {
        try state.read { db in try WriteBookkeeping.writtenFiles(db, table: "file_writes", plugin: plugin) }
    }

    public func quarantine(plugin: String, file: String) throws -> [QuarantinedValue] {
        try state.read { db in try WriteBookkeeping.quarantine(db, table: "quarantine", plugin: plugin, file: file) }
    }

    /// The part a source file's rows take in each table: its name (so a
    /// listing shows where rows came from) and a hash of its whole path.
    static func partName(file: String) -> String {
        let base = (file as NSString).lastPathComponent
        let safe = String(
            base.unicodeScalars.prefix(80).map { s -> Character in
                CharacterSet.alphanumerics.contains(s) || s == "-" || s == "." ? Character(s) : "_"
            })
        let trimmed = safe.drop { $0 == "." || $0 == "_" }
        return "\(trimmed.isEmpty ? "file" : String(trimmed))-\(StableHash.hex(file.utf8)).parquet"
    }

    public func writeFile(_ write: FileWrite, outputs: PluginOutputs, next: () -> StreamedRows) throws -> FileWriteSummary? {
        do {
            return try lock.withLock { try writeLocked(write, outputs: outputs, next: next) }
        } catch let e as DatabaseError where e.resultCode == .SQLITE_FULL {
            throw CasparianError(
                .environment, "disk full: cannot record the write of \(write.file) in \(folder.path)/\(Self.stateFolder); the run stopped",
                hint: "free space on the disk of \(folder.path), then run again: files written before are kept and skipped")
        }
    }

    private func writeLocked(_ write: FileWrite, outputs: PluginOutputs, next: () -> StreamedRows) throws -> FileWriteSummary? {
        let part = Self.partName(file: write.file)
        let tmpName = ".\(part).\(write.run).tmp"
        var writers: [String: (table: OutputTable, writer: ParquetFileWriter)] = [:]
        var summary = FileWriteSummary(rows: [:], replacedRows: 0, quarantined: 0)
        var committed = false
        defer { if !committed { for w in writers.values { w.writer.abort() } } }
        let drained = try StreamedRows.drain(next, file: write.file, outputs: outputs, summary: &summary) { batch, table in
            guard batch.rowCount > 0 else { return }
            if writers[table.table] == nil {
                let path = folder.appendingPathComponent(table.table).appendingPathComponent(tmpName).path
                var options = writerOptions
                options.keyValueMetadata = [
                    ("casparian.source_file", write.file), ("casparian.plugin", outputs.plugin),
                    ("casparian.output", table.output), ("casparian.contract_version", String(outputs.contractVersion)),
                    ("casparian.parser_version", write.parserVersion), ("casparian.run", write.run),
                ]
                writers[table.table] = (table, try ParquetFileWriter(path: path, fields: Self.fields(table), options: options))
            }
            try append(batch, table: table, write: write, to: writers[table.table]!.writer)
        }
        guard let quarantine = drained else { return nil }
        var rowsByTable: [String: Int] = [:]
        for (name, w) in writers {
            let written = try w.writer.close()
            rowsByTable[name] = written.rows
        }
        summary.quarantined = quarantine.count
        try commit(
            write, outputs: outputs, part: part, tmpName: tmpName, rowsByTable: rowsByTable, quarantine: quarantine, summary: &summary)
        committed = true
        return summary
    }

    /// Records the write and its renames in one transaction, then renames.
    private func commit(
        _ write: FileWrite, outputs: PluginOutputs, part: String, tmpName: String, rowsByTable: [String: Int],
        quarantine: [QuarantinedValue], summary: inout FileWriteSummary
    ) throws {
        let renames = rowsByTable.keys.sorted().map { Rename(from: "\($0)/\(tmpName)", to: "\($0)/\(part)") }
        var removals: [String] = []
        summary.replacedRows = try state.write { db -> Int in
            let old = try Row.fetchAll(
                db, sql: "SELECT table_name, part, rows FROM file_parts WHERE plugin = ? AND file = ?",
                arguments: [outputs.plugin, write.file])
            var replaced = 0
            for r in old {
                let table: String = r["table_name"]
                replaced += r["rows"] as Int
                if rowsByTable[table] == nil { removals.append("\(table)/\(r["part"] as String)") }
            }
            try db.execute(sql: "DELETE FROM file_parts WHERE plugin = ? AND file = ?", arguments: [outputs.plugin, write.file])
            try db.execute(sql: "DELETE FROM quarantine WHERE plugin = ? AND file = ?", arguments: [outputs.plugin, write.file])
            for (table, rows) in rowsByTable {
                try db.execute(
                    sql: "INSERT INTO file_parts(plugin, file, table_name, part, rows) VALUES (?, ?, ?, ?, ?)",
                    arguments: [outputs.plugin, write.file, table, part, rows])
            }
            for q in quarantine {
                try db.execute(
                    sql:
                        #"INSERT INTO quarantine(plugin, run, file, "row", output, "column", kind, reason, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"#,
                    arguments: [outputs.plugin, write.run, write.file, q.row, q.output, q.column, q.kind, q.reason, q.value])
            }
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO file_writes(plugin, file, run, parser_version, fingerprint, rows, quarantined, written_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    outputs.plugin, write.file, write.run, write.parserVersion, write.fingerprint, summary.totalRows,
                    quarantine.count, Timestamp.now(),
                ])
            try db.execute(
                sql: "INSERT OR REPLACE INTO pending(plugin, file, renames_json, removals_json) VALUES (?, ?, ?, ?)",
                arguments: [outputs.plugin, write.file, try renames.jsonText(), try removals.jsonText()])
            return replaced
        }
        if stopBeforeRenames { throw CasparianError(.internal, "stopped before the renames (a test's simulated crash)") }
        try apply(renames: renames, removals: removals)
        try state.write { db in
            try db.execute(sql: "DELETE FROM pending WHERE plugin = ? AND file = ?", arguments: [outputs.plugin, write.file])
        }
        manifestsStale = true
    }

    /// The Parquet columns of a table: the contract's (all OPTIONAL: as in
    /// every target, non-null is the contract's to enforce, so a column may
    /// later become nullable), then the lineage columns.
    static func fields(_ table: OutputTable) -> [ParquetField] {
        table.columns.map { ParquetField(name: $0.name, type: parquetType($0.type), nullable: true) } + [
            ParquetField(name: LineageColumn.file, type: .string, nullable: false),
            ParquetField(name: LineageColumn.row, type: .int64, nullable: false),
            ParquetField(name: LineageColumn.parserVersion, type: .string, nullable: false),
            ParquetField(name: LineageColumn.run, type: .string, nullable: false),
        ]
    }

    static func parquetType(_ type: DataType) -> ParquetColumnType {
        switch type {
        case .string: return .string
        case .int64: return .int64
        case .float64: return .double
        case .boolean: return .boolean
        case .date: return .date
        case .time: return .time
        case .timestamp: return .timestamp(adjustedToUTC: false)
        case .timestampTZ: return .timestamp(adjustedToUTC: true)
        }
    }

    private func append(_ batch: RowBatch, table: OutputTable, write: FileWrite, to writer: ParquetFileWriter) throws {
        var inputs: [ParquetColumnInput] = table.columns.map { c in
            batch.columnNames.firstIndex(of: c.source).map { .cells(batch.columns[$0]) } ?? .nulls
        }
        inputs += [
            .constant(.string(write.file)), .sequence(start: Int64(batch.firstRow + 1)),
            .constant(.string(write.parserVersion)), .constant(.string(write.run)),
        ]
        do {
            try writer.append(inputs, rowCount: batch.rowCount)
        } catch let e as ParquetValueError {
            guard let column = table.columns.first(where: { $0.name == e.field }) else {
                throw CasparianError(.internal, "the Parquet writer refused lineage column \(e.field) of \(write.file)")
            }
            throw wrongTypeError(table: table, column: column, row: batch.firstRow + e.row + 1, value: e.value, file: write.file)
        }
    }

    // MARK: - Manifests

    private var manifestsStale = false

    /// Writes each table's `_manifest.json` again if files were written.
    public func finish() throws {
        try lock.withLock {
            guard manifestsStale else { return }
            try writeManifests()
            manifestsStale = false
        }
    }

    /// Each table's `_manifest.json`: contract version, columns, lineage
    /// columns and the source file behind each part (renamed into place).
    private func writeManifests() throws {
        let manifests = try state.read { db -> [(String, Data)] in
            try Row.fetchAll(db, sql: "SELECT * FROM outputs").map { r in
                let table: String = r["table_name"]
                let columns = try JSONDecoder().decode([OutputColumn].self, from: Data((r["columns_json"] as String).utf8))
                let parts = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT p.file, p.part, p.rows, w.run, w.parser_version, w.written_at FROM file_parts p
                        JOIN file_writes w ON w.plugin = p.plugin AND w.file = p.file
                        WHERE p.table_name = ? ORDER BY p.file
                        """, arguments: [table]
                ).map { p in
                    ParquetManifest.Part(
                        source: p["file"], part: p["part"], rows: p["rows"], run: p["run"], parserVersion: p["parser_version"],
                        writtenAt: p["written_at"])
                }
                let manifest = ParquetManifest(
                    table: table, plugin: r["plugin"], output: r["output"], contractVersion: r["contract_version"],
                    columns: columns.map { .init(name: $0.name, type: $0.type.rawValue, nullable: $0.nullable) },
                    lineageColumns: LineageColumn.all, rows: parts.reduce(0) { $0 + $1.rows }, files: parts)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                return (table, try encoder.encode(manifest))
            }
        }
        for (table, data) in manifests {
            let dir = folder.appendingPathComponent(table)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try data.write(to: dir.appendingPathComponent(Self.manifestName), options: .atomic)
        }
    }

    /// `mkdir -p`: nil when the folder exists afterwards, else the
    /// operating system's words for why not ("Not a directory", "Permission denied").
    static func makeFolders(_ path: String) -> String? {
        var partial = ""
        for component in path.split(separator: "/") {
            partial += "/" + component
            if mkdir(partial, 0o755) != 0, errno != EEXIST {
                let reason = String(cString: strerror(errno))
                return partial == path ? reason : "\(reason) (at \(partial))"
            }
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            return String(cString: strerror(ENOTDIR))
        }
        return nil
    }
}

/// A table folder's `_manifest.json`.
struct ParquetManifest: Codable {
    struct Column: Codable {
        var name: String
        var type: String
        var nullable: Bool
    }
    struct Part: Codable {
        var source: String
        var part: String
        var rows: Int
        var run: String
        var parserVersion: String
        var writtenAt: String

        enum CodingKeys: String, CodingKey {
            case source, part, rows, run
            case parserVersion = "parser_version"
            case writtenAt = "written_at"
        }
    }
    var table: String
    var plugin: String
    var output: String
    var contractVersion: Int
    var columns: [Column]
    var lineageColumns: [String]
    var rows: Int
    var files: [Part]

    enum CodingKeys: String, CodingKey {
        case table, plugin, output, columns, rows, files
        case contractVersion = "contract_version"
        case lineageColumns = "lineage_columns"
    }
}
