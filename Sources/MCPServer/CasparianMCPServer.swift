import CasparianCore
import Foundation
import Logging
import MCP

/// The MCP server: Casparian's tools and resources over one transport.
///
/// A thin layer: each tool validates its arguments against its schema,
/// calls the workspace façade, and shapes the answer for a model (small
/// structured results, ids instead of payloads, `isError` results instead
/// of protocol errors).
public final class CasparianMCPServer: Sendable {
    public let environment: ServerEnvironment
    public let tools: [ToolSpec]
    private let logLevel = LogLevelBox()

    public init(environment: ServerEnvironment) {
        self.environment = environment
        self.tools = ToolCatalog.all
    }

    /// A configured SDK server, started on `transport`.
    ///
    /// Tools, resources and prompts answer only after `initialize`: before it, a
    /// call is refused with an Invalid Request error (the SDK's own strict
    /// mode sends no reply at all).
    public func startServer(version: String, transport: any Transport) async throws -> Server {
        let server = Server(
            name: "casparian", version: version, title: "Casparian", instructions: ServerInstructions.text,
            capabilities: .init(
                logging: .init(), prompts: .init(listChanged: false), resources: .init(subscribe: false, listChanged: false),
                tools: .init(listChanged: false)))
        let tools = self.tools
        let byName = Dictionary(uniqueKeysWithValues: tools.map { ($0.name, $0) })
        let environment = self.environment
        let logLevel = self.logLevel
        let session = ClientSession()
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: tools.map(\.tool))
        }
        await server.withMethodHandler(CallTool.self) { [weak server] params in
            try session.require(CallTool.name)
            guard let spec = byName[params.name] else {
                return ToolReply.failure(
                    "there is no tool named \(params.name)",
                    hint: "call one of: \(tools.map(\.name).joined(separator: ", "))")
            }
            let arguments = params.arguments ?? [:]
            let problems = SchemaValidator.problems(in: .object(arguments), against: spec.input)
            if !problems.isEmpty {
                return ToolReply.failure(
                    "invalid arguments for \(spec.name): " + problems.joined(separator: "; "),
                    hint: "send " + ArgumentHint.describe(spec.input))
            }
            let sink = ProgressChannel.sink(token: params._meta?.progressToken, server: server)
            var call = ToolCall(name: spec.name, arguments: arguments, environment: environment, progress: sink)
            if let server, session.showsForms {
                call.elicitation = ElicitationChannel(clientName: session.clientName) { message, schema in
                    try await server.requestElicitation(message: message, requestedSchema: schema)
                }
            }
            do {
                let reply = try await spec.run(call)
                try Task.checkCancellation()
                return reply.result
            } catch is CancellationError where Task.isCancelled {
                throw CancellationError()  // the SDK sends no response to a cancelled request
            } catch {
                environment.logger.info("\(spec.name) failed: \(error)")
                if let server, logLevel.allows(.warning) {
                    try? await server.log(level: .warning, logger: "casparian", data: .string("\(spec.name) failed: \(error)"))
                }
                return ToolReply.failure(error)
            }
        }
        await server.withMethodHandler(SetLoggingLevel.self) { params in
            logLevel.set(params.level)
            return Empty()
        }
        await server.withMethodHandler(ListResources.self) { _ in
            ListResources.Result(resources: try ResourceCatalog.list(environment))
        }
        await server.withMethodHandler(ListResourceTemplates.self) { _ in
            ListResourceTemplates.Result(templates: ResourceCatalog.templates)
        }
        await server.withMethodHandler(ReadResource.self) { params in
            try session.require(ReadResource.name)
            return ReadResource.Result(contents: [try ResourceCatalog.read(params.uri, environment)])
        }
        await server.withMethodHandler(ListPrompts.self) { _ in
            ListPrompts.Result(prompts: PromptCatalog.all.map(\.prompt))
        }
        await server.withMethodHandler(GetPrompt.self) { params in
            try session.require(GetPrompt.name)
            return try PromptCatalog.get(params.name, arguments: params.arguments ?? [:])
        }
        try await server.start(
            transport: transport,
            initializeHook: { client, capabilities in
                session.open(client: client, capabilities: capabilities)
            })
        return server
    }
}

/// The level the client set with `logging/setLevel` (default: warning).
final class LogLevelBox: @unchecked Sendable {
    private let lock = NSLock()
    private var level: LogLevel = .warning

    func set(_ l: LogLevel) { lock.withLock { level = l } }

    func allows(_ l: LogLevel) -> Bool {
        let order = LogLevel.allCases
        return lock.withLock { order.firstIndex(of: l)! >= order.firstIndex(of: level)! }
    }
}

/// `notifications/progress` for one request, sent in order from one task.
enum ProgressChannel {
    static func sink(token: ProgressToken?, server: Server?) -> ProgressSink {
        guard let token, let server else { return .none }
        let (stream, continuation) = AsyncStream<ProgressNotification.Parameters>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let sender = Task {
            for await p in stream { try? await server.notify(ProgressNotification.message(p)) }
        }
        let last = LastProgress()
        return ProgressSink(
            send: { done, total, message in
                guard last.advance(to: done) else { return }  // progress must increase
                continuation.yield(.init(progressToken: token, progress: done, total: total, message: message))
            },
            drain: {
                continuation.finish()
                await sender.value
            })
    }
}

private final class LastProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var value = -1.0
    func advance(to v: Double) -> Bool {
        lock.withLock {
            guard v > value else { return false }
            value = v
            return true
        }
    }
}

/// A compact description of what a tool accepts, for error messages.
enum ArgumentHint {
    static func describe(_ schema: Value) -> String {
        guard let o = schema.objectValue, let props = o["properties"]?.objectValue else { return "{}" }
        let required = Set((o["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        let parts = props.keys.sorted { (required.contains($0) ? 0 : 1, $0) < (required.contains($1) ? 0 : 1, $1) }.map { key -> String in
            let p = props[key]?.objectValue ?? [:]
            var t = p["type"]?.stringValue ?? p["type"]?.arrayValue?.compactMap(\.stringValue).joined(separator: "|") ?? "value"
            if let e = p["enum"]?.arrayValue?.compactMap(\.stringValue) { t = e.map { "\"\($0)\"" }.joined(separator: "|") }
            return "\(key)\(required.contains(key) ? "" : "?"): \(t)"
        }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}
