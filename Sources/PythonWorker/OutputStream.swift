import CPython
import PluginHost

/// One output of the plugin as the worker sees it: its columns, the pending
/// encoded rows, and how many rows it has had in the current file.
final class OutputStream {
    let id: UInt16
    let name: String
    private(set) var columns: [String] = []
    /// Column index by key object; the keys are held (incref'd) so a cached
    /// pointer can never be reused by another string while it is cached.
    private var keyCache: [UnsafeMutablePointer<PyObject>: Int] = [:]
    private var indexByName: [String: Int] = [:]
    var encoder = RowFrameEncoder()
    var rowsInFile = 0
    private var columnsSent = 0
    private var openRows = false

    static let flushBytes = 1 << 18

    init(id: UInt16, name: String) {
        self.id = id
        self.name = name
    }

    deinit { clearKeyCache() }

    func clearKeyCache() {
        for k in keyCache.keys { cp_decref(k) }
        keyCache.removeAll()
    }

    /// Declares columns for the tuple fast path (or resets for a new file).
    func declare(_ names: [String]) {
        columns = names
        indexByName = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        clearKeyCache()
    }

    /// The index of a dict key, adding a column the first time a name is seen.
    /// Returns nil (with `newColumn` set) when the key is a reserved name.
    func index(ofKey key: UnsafeMutablePointer<PyObject>, send: (Frame) throws -> Void) throws -> Int {
        if let i = keyCache[key] { return i }
        guard cp_unicode_check(key) != 0, let name = PythonInterpreter.string(key) else {
            throw RowShapeError.message("dict keys must be str column names")
        }
        let i: Int
        if let existing = indexByName[name] {
            i = existing
        } else {
            if name.hasPrefix("_cf_") {
                throw RowShapeError.message("column name '\(name)' is reserved: names starting with _cf_ hold lineage; rename it")
            }
            if name.isEmpty { throw RowShapeError.message("a column name is empty") }
            try flush(send: send)  // rows before the new column keep their narrower width
            i = columns.count
            columns.append(name)
            indexByName[name] = i
        }
        if keyCache.count < 4096 {
            cp_incref(key)
            keyCache[key] = i
        }
        return i
    }

    func beginRowIfNeeded() {
        if !openRows {
            encoder.beginRows(outputID: id, columnCount: columns.count)
            openRows = true
        }
    }

    /// Sends a pending columns declaration, then any encoded rows.
    func flush(send: (Frame) throws -> Void) throws {
        if openRows && encoder.rowCount > 0 {
            try sendColumnsIfNeeded(send: send)
            try send(Frame(kind: .rows, payload: encoder.finishRows()))
        }
        openRows = false
    }

    func sendColumnsIfNeeded(send: (Frame) throws -> Void) throws {
        if columnsSent != columns.count || columns.isEmpty {
            try send(Frame(kind: .columns, payload: RowFrameEncoder.columnsPayload(outputID: id, output: name, columns: columns)))
            columnsSent = columns.count
        }
    }

    func resetForFile() {
        rowsInFile = 0
        openRows = false
        // The host forgets declarations between files: declare again.
        columnsSent = 0
    }
}

enum RowShapeError: Error {
    case message(String)
}
