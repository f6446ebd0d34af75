/// What a statement returned, every value in PostgreSQL's text format.
public struct PostgresRows: Sendable, Equatable {
    /// The column names, in order.
    public var columns: [String]
    /// Each column's type OID (`20` bigint, `25` text, `1184` timestamptz…).
    public var typeOIDs: [UInt32]
    /// One array per row, one value per column; nil is SQL NULL.
    public var rows: [[String?]]
    /// The command tag (`SELECT 3`, `INSERT 0 1`, `CREATE TABLE`).
    public var commandTag: String
    /// Rows the command affected or returned, for commands that report it
    /// (SELECT, INSERT, UPDATE, DELETE, COPY…); nil for the others.
    public var affectedRows: Int?

    public init(columns: [String], typeOIDs: [UInt32], rows: [[String?]], commandTag: String, affectedRows: Int?) {
        self.columns = columns
        self.typeOIDs = typeOIDs
        self.rows = rows
        self.commandTag = commandTag
        self.affectedRows = affectedRows
    }
}
