import MCP

/// One MCP tool: what `tools/list` shows and the handler `tools/call` runs.
public struct ToolSpec: Sendable {
    public var name: String
    public var title: String
    public var description: String
    /// Closed object schema; arguments are checked against it before `run`.
    public var input: Value
    /// What `structuredContent` conforms to.
    public var output: Value
    public var annotations: Tool.Annotations
    public var run: @Sendable (ToolCall) async throws -> ToolReply

    public init(
        name: String, title: String, description: String, input: Value, output: Value,
        annotations: Tool.Annotations, run: @escaping @Sendable (ToolCall) async throws -> ToolReply
    ) {
        self.name = name
        self.title = title
        self.description = description
        self.input = input
        self.output = output
        self.annotations = annotations
        self.run = run
    }

    /// The declaration sent in `tools/list`.
    public var tool: Tool {
        var a = annotations
        a.title = title
        return Tool(name: name, title: title, description: description, inputSchema: input, annotations: a, outputSchema: output)
    }

    static let readOnly = Tool.Annotations(readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false)
    /// Writes catalog state but never deletes or overwrites user data.
    static let additive = Tool.Annotations(readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false)
    /// Changes the state of a run, nothing else.
    static let control = Tool.Annotations(readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false)
    /// Replaces files (a parser) or output tables.
    static let destructive = Tool.Annotations(readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false)
}
