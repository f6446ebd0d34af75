import Foundation

extension Workspace {
    /// Opens (creating if needed) `.casparian/output.sqlite` for writing.
    public func openOutput() throws -> OutputStore {
        try OutputStore(url: outputURL)
    }
}

extension Workspace {
    /// Runs one read-only SQL statement over output.sqlite (see `ReadOnlyQuery`).
    public func query(_ sql: String, options: QueryOptions = QueryOptions()) throws -> QueryResult {
        try ReadOnlyQuery(database: outputURL, options: options).run(sql)
    }
}
