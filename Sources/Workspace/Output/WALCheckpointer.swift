import Foundation
import GRDBSQLite

/// Runs the output database's WAL checkpoints on a connection and thread of
/// its own, so the writer never stops to copy pages into the database file
/// (the writer's connection has automatic checkpoints off).
///
/// `poke()` after a commit asks for one PASSIVE checkpoint: it copies what
/// it can without waiting for readers or the writer; the next write
/// transaction restarts the WAL from its beginning once all of it was
/// copied. Pokes while a checkpoint is queued are merged into it.
final class WALCheckpointer: @unchecked Sendable {
    private let path: String
    private let queue = DispatchQueue(label: "casparian.output-checkpoint", qos: .utility)
    private let lock = NSLock()
    private var queued = false  // guarded by lock
    private var connection: OpaquePointer?  // used on `queue` only

    /// Set on `queue`: the last reference may be dropped by a checkpoint's
    /// own block, and then deinit runs on the queue and must not wait for it.
    private static let onQueue = DispatchSpecificKey<Bool>()

    init(path: String) {
        self.path = path
        queue.setSpecific(key: Self.onQueue, value: true)
    }

    deinit {
        if DispatchQueue.getSpecific(key: Self.onQueue) != true { queue.sync {} }
        if let connection { sqlite3_close_v2(connection) }
    }

    func poke() {
        let start = lock.withLock { () -> Bool in
            if queued { return false }
            queued = true
            return true
        }
        guard start else { return }
        queue.async { [self] in
            lock.withLock { queued = false }
            checkpoint()
        }
    }

    /// Waits for a queued checkpoint to finish.
    func drain() { queue.sync {} }

    private func checkpoint() {
        if connection == nil {
            var db: OpaquePointer?
            guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK else {
                sqlite3_close_v2(db)
                return  // the writer's own checkpoint on close covers it
            }
            sqlite3_busy_timeout(db, 1000)
            connection = db
        }
        sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }
}
