import CasparianTestSupport
import Foundation
import GRDB
import Testing

@testable import Workspace

@Suite("WAL checkpointer")
struct WALCheckpointerTests {
    /// A checkpoint's block may hold the last reference: the checkpointer is
    /// then released on its own queue, where waiting for that queue trapped
    /// (it crashed test runs that dropped an output store right after writing).
    @Test func aCheckpointerReleasedByItsOwnCheckpointDoesNotTrap() throws {
        let dir = try TemporaryFolder.create("wal")
        let path = dir.appendingPathComponent("o.sqlite").path
        let db = try DatabaseQueue(path: path)
        try db.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = WAL; CREATE TABLE t (x)") }
        for _ in 0..<300 {
            WALCheckpointer(path: path).poke()  // released at once: its queued checkpoint holds the last reference
        }
        let last = WALCheckpointer(path: path)
        last.poke()
        last.drain()
    }
}
