/// An error a user can act on: what failed, where, and what to do next.
///
/// Every public failure in Casparian is one of these, so the CLI can map it
/// to a message and an exit code and the MCP server to an `isError` result.
public struct CasparianError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// The caller asked for something malformed (bad argument, bad path).
        case usage
        /// Something named does not exist (file, plugin, scope, contract).
        case notFound = "not_found"
        /// A plugin failed to load or to run.
        case plugin
        /// Data does not satisfy what was locked or expected.
        case data
        /// The workspace or catalog is in a state that forbids the operation.
        case conflict
        /// The environment is missing something (Python, a package, a permission).
        case environment
        /// A bug or an unexpected system failure.
        case `internal`
        /// Something exists but the user running Casparian may not read it.
        case permissionDenied = "permission_denied"
    }

    public var kind: Kind
    public var message: String
    /// What to do about it, phrased as an instruction.
    public var hint: String?

    public init(_ kind: Kind, _ message: String, hint: String? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
    }

    public var description: String {
        if let hint { return "\(message)\nhint: \(hint)" }
        return message
    }
}
