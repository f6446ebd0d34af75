import CLibPQ

extension PostgresConnection {
    /// Runs `copySQL` (`COPY table (columns) FROM STDIN (FORMAT binary)`),
    /// lets `fill` write the rows, and returns how many the server stored.
    ///
    /// When `fill` throws, or the server refuses the data (a constraint, a
    /// type mismatch), the COPY is ended with an error (PQputCopyEnd) and
    /// the connection stays usable; inside a transaction the caller rolls
    /// back. `fill`'s own error is rethrown; the server's is a `PostgresError`.
    @discardableResult
    public func copyIn(_ copySQL: String, _ fill: (inout PostgresCopyWriter) throws -> Void) throws -> Int {
        let connection = try open()
        let start = pq.pointee.exec(connection, copySQL)
        let status = pq.pointee.resultStatus(start)
        guard status == PGRES_COPY_IN else {
            defer { pq.pointee.clear(start) }
            if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY {
                throw PostgresError(message: "copyIn runs COPY … FROM STDIN, and this statement is not one", statement: copySQL)
            }
            throw statementError(start, on: connection, statement: copySQL)
        }
        pq.pointee.clear(start)
        var writer = PostgresCopyWriter(pq: pq, connection: connection)
        do {
            try fill(&writer)
        } catch {
            _ = pq.pointee.putCopyEnd(connection, Self.abortReason(error))
            _ = drainResults(connection, statement: copySQL)
            throw error
        }
        writer.finish()
        if writer.sendFailed {
            _ = pq.pointee.putCopyEnd(connection, "the client could not send the data")
            throw drainResults(connection, statement: copySQL)
                ?? PostgresError(message: connectionMessage(connection), statement: copySQL)
        }
        guard pq.pointee.putCopyEnd(connection, nil) == 1 else {
            throw drainResults(connection, statement: copySQL)
                ?? PostgresError(message: connectionMessage(connection), statement: copySQL)
        }
        return try copyResult(connection, statement: copySQL)
    }

    /// The COPY's outcome: its row count, or the server's error.
    private func copyResult(_ connection: OpaquePointer, statement: String) throws -> Int {
        var rowCount = 0
        var failure: PostgresError?
        while let result = pq.pointee.getResult(connection) {
            defer { pq.pointee.clear(result) }
            if pq.pointee.resultStatus(result) == PGRES_COMMAND_OK {
                rowCount = Int(String(cString: pq.pointee.cmdTuples(result))) ?? 0
            } else if failure == nil {
                failure = statementError(result, on: connection, statement: statement)
            }
        }
        if let failure { throw failure }
        return rowCount
    }

    /// Why the client gave up, for the server's "COPY from stdin failed: …".
    private static func abortReason(_ error: any Error) -> String {
        let text = "\(error)"
        return text.count > 200 ? text.prefix(200) + "…" : text
    }
}
