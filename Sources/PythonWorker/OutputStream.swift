import CPython
import WireProtocol

/// One output of the plugin as the worker sees it: its columns, the pending
/// encoded rows, and how many rows it has had in the current file.
final class OutputStream {
    /// The output's number on the wire, given when it is first used.
    var id: UInt16 = 0
    let name: String
    private(set) var columns: [String] = []
    /// Column index by key object; the keys are held (incref'd) so a cached
    /// pointer can never be reused by another string while it is cached.
    private var keyCache: [UnsafeMutablePointer<PyObject>: Int] = [:]
    private var indexByName: [String: Int] = [:]
    var encoder = RowFrameEncoder()
    /// The key object seen at each position of the previous dict row (held):
    /// rows of one parser almost always repeat their keys in the same order,
    /// so a pointer comparison usually replaces the lookup.
    private var keyAtPosition: [(key: UnsafeMutablePointer<PyObject>, index: Int)] = []
    /// Scratch space for one dict row: (column index, value), reused.
    var scratch: [(Int, UnsafeMutablePointer<PyObject>)] = []
    var rowsInFile = 0
    private var columnsSent = 0
    private var openRows = false

    static let flushBytes = 1 << 18

    init(name: String) {
        self.name = name
    }

    deinit { clearKeyCache() }

    func clearKeyCache() {
        for k in keyCache.keys { cp_decref(k) }
        keyCache.removeAll()
        for k in keyAtPosition { cp_decref(k.key) }
        keyAtPosition.removeAll()
    }

    /// Whether `key` is the key seen at `position` of the previous dict row
    /// and names the column at that same index: the common case, where a
    /// dict row's cells can be encoded as they are read.
    @inline(__always)
    func keyIsInPlace(_ key: UnsafeMutablePointer<PyObject>, at position: Int) -> Bool {
        position < keyAtPosition.count && keyAtPosition[position].key == key && keyAtPosition[position].index == position
    }

    /// The column index of the key at `position` of a dict row.
    @inline(__always)
    func index(ofKey key: UnsafeMutablePointer<PyObject>, atPosition position: Int, writer: FrameWriter) throws -> Int {
        if position < keyAtPosition.count, keyAtPosition[position].key == key {
            return keyAtPosition[position].index
        }
        let i = try index(ofKey: key, writer: writer)
        cp_incref(key)
        if position < keyAtPosition.count {
            cp_decref(keyAtPosition[position].key)
            keyAtPosition[position] = (key, i)
        } else if position == keyAtPosition.count {
            keyAtPosition.append((key, i))
        } else {
            cp_decref(key)  // positions are filled in order; a gap cannot happen
        }
        return i
    }

    /// Declares columns for the tuple fast path (or resets for a new file).
    func declare(_ names: [String]) {
        columns = names
        indexByName = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        clearKeyCache()
    }

    /// The index of a dict key, adding a column the first time a name is seen.
    /// Returns nil (with `newColumn` set) when the key is a reserved name.
    func index(ofKey key: UnsafeMutablePointer<PyObject>, writer: FrameWriter) throws -> Int {
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
            try flush(to: writer)  // rows before the new column keep their narrower width
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

    /// Sends a pending columns declaration, then any encoded rows (written
    /// from the encoder's buffer, which the next rows reuse).
    func flush(to writer: FrameWriter) throws {
        if openRows && encoder.rowCount > 0 {
            try sendColumnsIfNeeded(to: writer)
            try encoder.withFinishedRows { (parts) throws(FrameError) in try writer.write(kind: .rows, parts: parts) }
        }
        openRows = false
    }

    func sendColumnsIfNeeded(to writer: FrameWriter) throws {
        if columnsSent != columns.count || columns.isEmpty {
            try writer.write(Frame(kind: .columns, payload: RowFrameEncoder.columnsPayload(outputID: id, output: name, columns: columns)))
            columnsSent = columns.count
        }
    }

    /// Every file starts afresh: the host knows nothing of earlier files'
    /// column declarations.
    func resetForFile() {
        rowsInFile = 0
        openRows = false
        columnsSent = 0
    }
}

enum RowShapeError: Error {
    case message(String)
}
