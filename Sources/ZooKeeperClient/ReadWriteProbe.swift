import NIOCore
import NIOPosix
import NIOSSL
import ZooKeeperClientCore

/// A read-only session's question to another server: "isro" on a
/// connection of its own, answered "rw" or "ro" before the server closes it.
enum ReadWriteProbe {
    /// Completes with whether `server` said "rw"; a refused connection, an
    /// error or no answer within the timeout count as no.
    static func ask(_ server: ServerAddress, tls: NIOSSLContext?, on eventLoop: EventLoop) -> EventLoopFuture<Bool> {
        let answer = Answer(promise: eventLoop.makePromise())
        let timeout = TimeAmount.milliseconds(ClientTiming.readWriteProbeTimeout)
        ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(makeTLSHandler(context: tls, host: server.host)) }
                    try channel.pipeline.syncOperations.addHandler(Reader(answer: answer))
                }
            }
            .connect(host: server.host, port: server.port)
            .whenComplete { result in
                guard case .success(let channel) = result else { return answer.finish() }
                channel.writeAndFlush(ByteBuffer(string: "isro"), promise: nil)
                let deadline = eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
                answer.promise.futureResult.whenComplete { _ in
                    deadline.cancel()
                    channel.close(promise: nil)
                }
            }
        return answer.promise.futureResult.map { text in
            text.split(separator: "\n", omittingEmptySubsequences: false).first == "rw"
        }
    }

    /// The text read so far; completed once, when the server closes or on failure.
    /// Touched on the probe's event loop only.
    final class Answer: @unchecked Sendable {
        let promise: EventLoopPromise<String>
        var text = ""
        private var done = false
        init(promise: EventLoopPromise<String>) { self.promise = promise }
        func finish() {
            guard !done else { return }
            done = true
            promise.succeed(text)
        }
    }

    final class Reader: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let answer: Answer
        init(answer: Answer) { self.answer = answer }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            // The answer is a few bytes; more is not a ZooKeeper server.
            if answer.text.utf8.count < 64 { answer.text += bytes.readString(length: bytes.readableBytes) ?? "" }
        }

        func channelInactive(context: ChannelHandlerContext) {
            answer.finish()
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: Error) {
            context.close(promise: nil)
        }
    }
}
