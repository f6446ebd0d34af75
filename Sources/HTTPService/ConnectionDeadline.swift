import Foundation
import NIOCore

/// Closes an HTTP connection that holds the server without using it: one
/// idle for `idle` between requests, or one whose request (head and body)
/// has not fully arrived `request` after its first byte. It sits before
/// the HTTP decoder, so it sees a half-sent head; `HTTPChannelHandler`
/// tells it when a request is complete and when its response is sent.
/// While a response is in progress (a tool call, an SSE stream) no
/// deadline runs.
final class ConnectionDeadline: ChannelDuplexHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What `HTTPChannelHandler` sends down the pipeline (`triggerUserOutboundEvent`).
    enum Event {
        case requestReceived
        case responseSent
    }

    private enum State { case idle, receiving, busy }

    private let idle: TimeAmount
    private let request: TimeAmount
    private var state = State.idle
    private var timer: Scheduled<Void>?

    init(idle: TimeAmount, request: TimeAmount) {
        self.idle = idle
        self.request = request
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(idle, context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if state == .idle {
            state = .receiving
            arm(request, context: context)
        }
        context.fireChannelRead(data)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let event = event as? Event else {
            return context.triggerUserOutboundEvent(event, promise: promise)
        }
        switch event {
        case .requestReceived:
            state = .busy
            timer?.cancel()
            timer = nil
        case .responseSent:
            state = .idle
            arm(idle, context: context)
        }
        promise?.succeed(())
    }

    private func arm(_ amount: TimeAmount, context: ChannelHandlerContext) {
        timer?.cancel()
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: amount) { [weak self] in
            guard let self, self.state != .busy else { return }
            bound.value.close(promise: nil)
        }
    }
}

/// At most `limit` HTTP connections at once; more are closed on accept.
final class ConnectionLimit: @unchecked Sendable {
    let limit: Int
    private var open = 0
    private let lock = NSLock()

    init(limit: Int) { self.limit = limit }

    func acquire() -> Bool {
        lock.withLock {
            guard open < limit else { return false }
            open += 1
            return true
        }
    }

    func release() { lock.withLock { open -= 1 } }
}
