import CLibPQ

extension PostgresConnection {
    /// Runs `sql` (one or more statements, PQexec); each must succeed.
    /// Throws `PostgresError` with the SQLSTATE otherwise.
    public func execute(_ sql: String) throws {
        let connection = try open()
        let result = pq.pointee.exec(connection, sql)
        defer { pq.pointee.clear(result) }
        try check(result, on: connection, statement: sql)
    }

    /// Runs one statement with `$1, $2…` bound to `parameters` (text
    /// format, nil is NULL; PQexecParams) and returns its rows as text.
    @discardableResult
    public func query(_ sql: String, parameters: [String?] = []) throws -> PostgresRows {
        let connection = try open()
        let result = withCStrings(parameters) { values in
            pq.pointee.execParams(connection, sql, Int32(values.count), nil, values, nil, nil, 0)
        }
        defer { pq.pointee.clear(result) }
        try check(result, on: connection, statement: sql)
        guard let result else { throw PostgresError(message: connectionMessage(connection), statement: sql) }
        return rows(of: result)
    }

    private func rows(of result: OpaquePointer) -> PostgresRows {
        let columnCount = pq.pointee.nfields(result)
        let rowCount = pq.pointee.ntuples(result)
        let columns = (0..<columnCount).map { pq.pointee.fname(result, $0).map { String(cString: $0) } ?? "" }
        let types = (0..<columnCount).map { UInt32(pq.pointee.ftype(result, $0)) }
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            rows.append(
                (0..<columnCount).map { column in
                    if pq.pointee.getisnull(result, row, column) != 0 { return nil }
                    let length = Int(pq.pointee.getlength(result, row, column))
                    return pq.pointee.getvalue(result, row, column).withMemoryRebound(to: UInt8.self, capacity: length) {
                        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                    }
                })
        }
        return PostgresRows(
            columns: columns, typeOIDs: types, rows: rows, commandTag: String(cString: pq.pointee.cmdStatus(result)),
            affectedRows: Int(String(cString: pq.pointee.cmdTuples(result))))
    }

    /// Throws unless `result` reports success. A COPY FROM STDIN started
    /// by `execute` or `query` is ended at once, so the connection stays usable.
    func check(_ result: OpaquePointer?, on connection: OpaquePointer, statement: String) throws {
        switch pq.pointee.resultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return
        case PGRES_COPY_IN:
            _ = pq.pointee.putCopyEnd(connection, "COPY FROM STDIN needs PostgresConnection.copyIn")
            _ = drainResults(connection, statement: statement)
            throw PostgresError(message: "COPY … FROM STDIN runs through copyIn, not execute or query", statement: statement)
        case PGRES_COPY_OUT:
            // Nothing here reads COPY TO STDOUT: skip its data so the connection stays usable.
            var buffer: UnsafeMutablePointer<CChar>?
            while pq.pointee.getCopyData(connection, &buffer, 0) > 0 { pq.pointee.freemem(buffer) }
            _ = drainResults(connection, statement: statement)
            throw PostgresError(message: "COPY … TO STDOUT is not supported: query the rows instead", statement: statement)
        default:
            throw statementError(result, on: connection, statement: statement)
        }
    }

    /// The server's error in `result` (SQLSTATE, message, detail, hint), or
    /// libpq's own message when there is no result or no fields.
    func statementError(_ result: OpaquePointer?, on connection: OpaquePointer, statement: String) -> PostgresError {
        guard let result, let message = field("M", of: result) else {
            return PostgresError(message: connectionMessage(connection), statement: statement)
        }
        return PostgresError(
            sqlState: field("C", of: result), message: message, detail: field("D", of: result),
            hint: field("H", of: result), statement: statement)
    }

    /// An error field by its PG_DIAG_* letter (`C` SQLSTATE, `M` message,
    /// `D` detail, `H` hint): character macros Swift cannot import.
    private func field(_ code: Unicode.Scalar, of result: OpaquePointer) -> String? {
        pq.pointee.resultErrorField(result, Int32(code.value)).map { String(cString: $0) }
    }

    /// Reads results until libpq has none left (the connection is then
    /// ready for the next statement); the first error among them, if any.
    func drainResults(_ connection: OpaquePointer, statement: String) -> PostgresError? {
        var firstError: PostgresError?
        while let result = pq.pointee.getResult(connection) {
            defer { pq.pointee.clear(result) }
            switch pq.pointee.resultStatus(result) {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                continue
            case PGRES_COPY_IN:
                // Still copying (an earlier PQputCopyEnd failed): end it; a
                // connection that cannot even do that is broken, stop here.
                if pq.pointee.putCopyEnd(connection, "aborted") != 1 {
                    return firstError ?? PostgresError(message: connectionMessage(connection), statement: statement)
                }
            default:
                if firstError == nil { firstError = statementError(result, on: connection, statement: statement) }
            }
        }
        return firstError
    }
}
