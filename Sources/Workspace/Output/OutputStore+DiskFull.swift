import CasparianCore
import Foundation
import GRDB
import GRDBSQLite

extension OutputStore {
    /// The error a write that ran out of space gets: where, how much is
    /// left, and what to do — instead of SQLite's `database or disk is full`.
    func diskFull(writing what: String) -> CasparianError {
        // Where the bytes go: output.sqlite may be a link to another disk.
        let file = url.resolvingSymlinksInPath()
        let folder = file.deletingLastPathComponent().path
        var free = ""
        if let attrs = try? FileManager.default.attributesOfFileSystem(forPath: folder),
            let bytes = (attrs[.systemFreeSize] as? NSNumber)?.int64Value
        {
            free = " (\(ByteCountFormatter.string(fromByteCount: bytes, countStyle: .file)) free)"
        }
        return CasparianError(
            .environment, "disk full: cannot write \(what) to \(file.path)\(free); the run stopped",
            hint: "free space on the filesystem of \(folder) (or move the workspace), then run again: "
                + "files written before are kept and skipped, the file being written was not changed")
    }

    /// `error` as a disk-full error when SQLite ran out of space, else unchanged.
    func mappingDiskFull(_ error: Error, writing what: String) -> Error {
        if let e = error as? DatabaseError, e.resultCode == .SQLITE_FULL { return diskFull(writing: what) }
        return error
    }

    /// Truncates the WAL (best effort): after a write ran out of space, the
    /// rolled-back transaction's pages still fill it, and the catalog, often
    /// on the same disk, needs room to record how the run ended.
    public func releaseSpace() {
        _ = try? pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }
}
