import CasparianCore
import Foundation
import MCP

/// What the client of one MCP session declared at `initialize`: whether it
/// has sent it yet, its name, and whether it shows forms
/// (`elicitation` with form mode). One per SDK `Server`, so per session.
final class ClientSession: @unchecked Sendable {
    private let lock = NSLock()
    private var isOpen = false
    private var name = "the MCP client"
    private var formsShown = false

    /// Records the client's declaration (the SDK's initialize hook).
    func open(client: Client.Info, capabilities: Client.Capabilities) {
        lock.withLock {
            isOpen = true
            name = client.name
            formsShown = capabilities.elicitation?.form != nil
        }
    }

    var clientName: String { lock.withLock { name } }

    /// True when the client can show an `elicitation/create` form to its user.
    var showsForms: Bool { lock.withLock { formsShown } }

    /// Throws the error a request made before `initialize` gets.
    func require(_ method: String) throws {
        guard lock.withLock({ isOpen }) else {
            throw MCPError.invalidRequest("\(method) before initialize: send initialize (then notifications/initialized) first")
        }
    }
}

/// Asks the person at the client through an `elicitation/create` form.
///
/// Present on a `ToolCall` only when the client declared form elicitation.
/// A form only ever asks for choices about the data (never a password, a
/// token or any other secret: the spec forbids it and nothing here needs one).
public struct ElicitationChannel: Sendable {
    /// The client's name from `initialize`, to say who answered.
    public let clientName: String
    let send: @Sendable (String, Elicitation.RequestSchema) async throws -> CreateElicitation.Result

    public init(
        clientName: String, send: @escaping @Sendable (String, Elicitation.RequestSchema) async throws -> CreateElicitation.Result
    ) {
        self.clientName = clientName
        self.send = send
    }

    /// How long a form may stay unanswered before the call gives up.
    static let patience: Duration = .seconds(600)

    /// Shows the form and waits for the person's answer. Returns when the
    /// tool call is cancelled or after `patience` even though the SDK's
    /// request itself cannot be cancelled (a late answer is then dropped).
    public func ask(_ message: String, schema: Elicitation.RequestSchema) async throws -> CreateElicitation.Result {
        let answer = FirstAnswer<CreateElicitation.Result>()
        let send = self.send
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                answer.wait(continuation)
                Task {
                    do {
                        let reply = try await send(message, schema)
                        answer.give(.success(reply))
                    } catch {
                        answer.give(.failure(error))
                    }
                }
                Task {
                    try? await Task.sleep(for: Self.patience)
                    answer.give(
                        .failure(
                            CasparianError(
                                .conflict,
                                "nobody answered the form in \(Self.patience.components.seconds) seconds; nothing was locked",
                                hint: "call the tool again when the person is there, or pass the answers as arguments")))
                }
            }
        } onCancel: {
            answer.give(.failure(CancellationError()))
        }
    }
}

/// A continuation resumed once, by whichever outcome comes first (one that
/// comes before the continuation is stored is kept for it).
private final class FirstAnswer<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var early: Result<T, any Error>?
    private var done = false

    func wait(_ c: CheckedContinuation<T, any Error>) {
        let ready: Result<T, any Error>? = lock.withLock {
            if let early, !done {
                done = true
                return early
            }
            continuation = c
            return nil
        }
        if let ready { c.resume(with: ready) }
    }

    func give(_ result: Result<T, any Error>) {
        let c: CheckedContinuation<T, any Error>? = lock.withLock {
            guard !done else { return nil }
            guard let continuation else {
                if early == nil { early = result }
                return nil
            }
            done = true
            self.continuation = nil
            return continuation
        }
        c?.resume(with: result)
    }
}
