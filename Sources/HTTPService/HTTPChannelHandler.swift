import Foundation
import NIOCore
import NIOHTTP1

/// Turns NIO HTTP/1 request parts into a `ServiceRequest`, asks the
/// handler, and writes the `ServiceResponse` back (streams chunk by chunk).
final class HTTPChannelHandler: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Bodies larger than this are refused (413): a tool call or a parser is small.
    static let maxBody = 8 << 20

    private let handler: ServiceHandler
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var tooLarge = false

    init(handler: @escaping ServiceHandler) { self.handler = handler }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body.clear()
            tooLarge = false
        case .body(var chunk):
            if body.readableBytes + chunk.readableBytes > Self.maxBody { tooLarge = true } else { body.writeBuffer(&chunk) }
        case .end:
            guard let head else { return }
            self.head = nil
            context.triggerUserOutboundEvent(ConnectionDeadline.Event.requestReceived, promise: nil)
            let request = makeRequest(head)
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            let eventLoop = context.eventLoop
            let handler = self.handler
            let tooLarge = self.tooLarge
            Task {
                let response =
                    tooLarge
                    ? ServiceResponse(
                        status: 413, headers: ["Content-Type": "text/plain; charset=utf-8"],
                        body: .data(Data("Payload too large: at most \(Self.maxBody) bytes\n".utf8)))
                    : await handler(request)
                await self.write(response, version: head.version, keepAlive: head.isKeepAlive, on: eventLoop, context: loopBound)
            }
        }
    }

    private func makeRequest(_ head: HTTPRequestHead) -> ServiceRequest {
        var headers: [String: String] = [:]
        for (name, value) in head.headers {
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        let bytes = body.readableBytes > 0 ? Data(body.readableBytesView) : nil
        return ServiceRequest(method: head.method.rawValue, target: head.uri, headers: headers, body: bytes)
    }

    private func write(
        _ response: ServiceResponse, version: HTTPVersion, keepAlive: Bool, on eventLoop: any EventLoop,
        context: NIOLoopBound<ChannelHandlerContext>
    ) async {
        var head = HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: response.status))
        for (name, value) in response.headers { head.headers.add(name: name, value: value) }
        let responseHead = head
        switch response.body {
        case .stream(let stream):
            eventLoop.execute {
                context.value.writeAndFlush(self.wrapOutboundOut(.head(responseHead)), promise: nil)
            }
            do {
                for try await chunk in stream {
                    eventLoop.execute {
                        let buffer = context.value.channel.allocator.buffer(bytes: chunk)
                        context.value.writeAndFlush(self.wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
                    }
                }
            } catch {
                // The stream ended with an error (a session ended); close it below.
            }
            eventLoop.execute {
                context.value.writeAndFlush(self.wrapOutboundOut(.end(nil))).whenComplete { _ in
                    context.value.triggerUserOutboundEvent(ConnectionDeadline.Event.responseSent, promise: nil)
                }
            }
        case .data(let bodyData):
            eventLoop.execute {
                var h = responseHead
                h.headers.replaceOrAdd(name: "Content-Length", value: String(bodyData?.count ?? 0))
                if !keepAlive { h.headers.replaceOrAdd(name: "Connection", value: "close") }
                context.value.write(self.wrapOutboundOut(.head(h)), promise: nil)
                if let bodyData {
                    context.value.write(
                        self.wrapOutboundOut(.body(.byteBuffer(context.value.channel.allocator.buffer(bytes: bodyData)))),
                        promise: nil)
                }
                let done = context.value.writeAndFlush(self.wrapOutboundOut(.end(nil)))
                done.whenComplete { _ in
                    if keepAlive {
                        context.value.triggerUserOutboundEvent(ConnectionDeadline.Event.responseSent, promise: nil)
                    } else {
                        context.value.close(promise: nil)
                    }
                }
            }
        }
    }
}
