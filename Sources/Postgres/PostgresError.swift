/// A statement the server (or libpq) refused: the SQLSTATE and the
/// server's message, detail and hint, with the statement that failed.
public struct PostgresError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The five-character SQLSTATE (`23505` unique violation, `22P02` bad
    /// input…); nil when libpq failed on its own side (connection lost).
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?
    /// The statement that failed, as given (its parameters are not kept).
    public var statement: String?

    public init(sqlState: String? = nil, message: String, detail: String? = nil, hint: String? = nil, statement: String? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.statement = statement
    }

    public var description: String {
        var text = "PostgreSQL error"
        if let sqlState { text += " \(sqlState)" }
        text += ": \(message)"
        if let detail { text += "\ndetail: \(detail)" }
        if let hint { text += "\nhint: \(hint)" }
        if let statement { text += "\nstatement: \(Self.shortened(statement))" }
        return text
    }

    /// A long statement (a generated INSERT) is cut: the message is what matters.
    private static func shortened(_ statement: String, limit: Int = 500) -> String {
        statement.count > limit ? statement.prefix(limit) + "…" : statement
    }
}
