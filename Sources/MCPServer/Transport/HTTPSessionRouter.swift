import Foundation
import HTTPService
import Logging
import MCP

/// One SDK server and Streamable HTTP transport per MCP session, all over
/// the same Casparian environment (workspace, pool, runs).
actor HTTPSessionRouter {
    private let mcp: CasparianMCPServer
    private var policy: HTTPAccessPolicy
    private let version: String
    private let logger: Logger
    private var sessions: [String: (server: Server, transport: StatefulHTTPServerTransport)] = [:]
    /// When each session last had a request, and how many it has in progress.
    private var lastUsed: [String: ContinuousClock.Instant] = [:]
    private var inProgress: [String: Int] = [:]

    init(mcp: CasparianMCPServer, policy: HTTPAccessPolicy, version: String, logger: Logger) {
        self.mcp = mcp
        self.policy = policy
        self.version = version
        self.logger = logger
    }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        guard request.path == "/mcp" else {
            return .error(statusCode: 404, .invalidRequest("Not found: the MCP endpoint is /mcp"))
        }
        if let refusal = policy.check(header: request.header) {
            logger.notice("refused \(request.method) /mcp: HTTP \(refusal.status)")
            return .error(statusCode: refusal.status, .invalidRequest(refusal.message), extraHeaders: refusal.headers)
        }
        if request.method.uppercased() == "POST", let body = request.body, let problem = JSONRPCScreen.problem(in: body) {
            return .error(statusCode: 400, problem.error)
        }
        if let id = request.header(HTTPHeaderName.sessionID) {
            guard let session = sessions[id] else {
                return .error(
                    statusCode: 404,
                    .invalidRequest("Not found: no session \(id) (it ended, or expired after no requests for a while); initialize again"))
            }
            inProgress[id, default: 0] += 1
            lastUsed[id] = .now
            let response = await session.transport.handleRequest(request)
            inProgress[id, default: 1] -= 1
            lastUsed[id] = .now
            if request.method.uppercased() == "DELETE", response.statusCode == 200 {
                await end(id)
            }
            return response
        }
        guard request.method.uppercased() == "POST", let body = request.body, Self.isInitialize(body) else {
            return .error(
                statusCode: 400,
                .invalidRequest("Bad request: send initialize first, then the \(HTTPHeaderName.sessionID) header it returns"))
        }
        let id = UUID().uuidString
        let transport = StatefulHTTPServerTransport(
            sessionIDGenerator: FixedSession(id: id),
            validationPipeline: StandardValidationPipeline(validators: [
                AcceptHeaderValidator(mode: .sseRequired), ContentTypeValidator(), ProtocolVersionValidator(), SessionValidator(),
            ]),
            logger: logger)
        let server: Server
        do {
            server = try await mcp.startServer(version: version, transport: transport)
        } catch {
            return .error(statusCode: 500, .internalError("cannot start a session: \(error)"))
        }
        let response = await transport.handleRequest(request)
        if case .error = response {
            await server.stop()
        } else {
            sessions[id] = (server, transport)
            lastUsed[id] = .now
        }
        return response
    }

    /// Ends the sessions without a request in progress that had none for `idle`.
    func expireSessions(idleFor idle: Duration) async {
        let now = ContinuousClock.now
        for (id, last) in lastUsed where now - last >= idle && inProgress[id, default: 0] == 0 {
            logger.info("session \(id) expired: no requests for \(idle)")
            await end(id)
        }
    }

    private func end(_ id: String) async {
        guard let session = sessions.removeValue(forKey: id) else { return }
        lastUsed[id] = nil
        inProgress[id] = nil
        await session.server.stop()
    }

    /// The port actually bound (when asked for port 0).
    func setPort(_ port: Int) { policy.port = port }

    func closeAll() async {
        for (_, s) in sessions { await s.server.stop() }
        sessions = [:]
        lastUsed = [:]
        inProgress = [:]
    }

    static func isInitialize(_ body: Data) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return false }
        return object["method"] as? String == "initialize"
    }

    private struct FixedSession: SessionIDGenerator {
        let id: String
        func generateSessionID() -> String { id }
    }
}
