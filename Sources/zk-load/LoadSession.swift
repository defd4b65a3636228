import NIOCore
import ZooKeeperProtocol

/// One ZooKeeper session on one connection: the handshake, single calls for
/// setting up, then a pipeline keeping `depth` requests in flight, then
/// closeSession. Lives on the run's one event loop and reports to the run.
final class LoadSession: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        case handshaking
        case idle
        case calling(xid: Int32, onReply: (ReplyHeader) -> Void)
        case loading(RequestTemplate)
        case closing(xid: Int32)
        case closed
    }

    let index: Int
    /// Strong: the run drops its sessions when it ends, and closed channels drop their handlers.
    private let run: LoadRun
    private let connectFrame: ByteBuffer
    private var context: ChannelHandlerContext?
    private var state = State.handshaking
    private var received = ByteBuffer()

    /// Xids go 1, 2, 3... as Java's client numbers them; replies come in order.
    private var nextXid: Int32 = 1
    private var oldestXid: Int32 = 1
    private(set) var outstanding = 0
    /// Requests answered in this read, to be replaced when the read completes.
    private var toSend = 0
    /// Send times (uptime ns) of the requests in flight: a ring at least as
    /// deep as the pipeline, indexed by how many requests were sent before.
    private var sentAt: [UInt64]
    private let ringMask: Int
    private var sentCount = 0
    private var answeredCount = 0
    private(set) var sessionId: Int64 = 0

    init(index: Int, run: LoadRun, depth: Int, connectFrame: ByteBuffer) {
        self.index = index
        self.run = run
        self.connectFrame = connectFrame
        var ring = 1
        while ring < depth { ring <<= 1 }
        sentAt = [UInt64](repeating: 0, count: ring)
        ringMask = ring - 1
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { sendConnect() }
    }

    func channelActive(context: ChannelHandlerContext) {
        sendConnect()
        context.fireChannelActive()
    }

    private var sentConnect = false
    private func sendConnect() {
        guard !sentConnect, let context else { return }
        sentConnect = true
        context.writeAndFlush(wrapOutboundOut(connectFrame), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .closed = state { return }
        var incoming = unwrapInboundIn(data)
        if received.readableBytes == 0 {
            received = incoming
        } else {
            received.writeBuffer(&incoming)
        }
        let now = NIODeadline.now().uptimeNanoseconds
        do {
            while let frame = try Frame.read(from: &received) {
                try handle(frame: frame, now: now)
            }
        } catch {
            run.fail(LoadError("session \(index): \(error)"))
            return
        }
        if received.readableBytes == 0 {
            received.clear()
        } else if received.readerIndex > 1 << 16 {
            received.discardReadBytes()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        sendReplacements()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .closed = state { return }
        state = .closed
        run.fail(LoadError("session \(index): the server closed the connection"))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case .closed = state { return }
        run.fail(LoadError("session \(index): \(error)"))
        context.close(promise: nil)
    }

    private func handle(frame: ByteBuffer, now: UInt64) throws {
        switch state {
        case .handshaking:
            let response = try ConnectResponseFrame(frameBody: frame)
            guard !response.sessionExpired else { throw LoadError("the server refused the session") }
            sessionId = response.response.sessionId
            state = .idle
            run.sessionConnected(self, tlsVersion: context.flatMap { LoadTLS.negotiatedVersion(of: $0.pipeline.syncOperations) })
        case .calling(let xid, let onReply):
            let header = try replyHeader(frame)
            guard header.xid == xid else { throw LoadError("reply xid \(header.xid), expected \(xid)") }
            state = .idle
            onReply(header)
        case .loading:
            let header = try replyHeader(frame)
            if header.xid < 0 { return }  // a ping answer or a watch event: not ours
            run.completed(
                nanoseconds: now &- sentAt[answeredCount & ringMask],
                err: header.err, xidMatches: header.xid == oldestXid
            )
            oldestXid = Self.xid(after: oldestXid)
            answeredCount += 1
            outstanding -= 1
            if run.isSending {
                toSend += 1
            } else if outstanding == 0 {
                state = .idle
                run.sessionDrained(self)
            }
        case .closing(let xid):
            let header = try replyHeader(frame)
            guard header.xid == xid else { throw LoadError("closeSession reply xid \(header.xid), expected \(xid)") }
            state = .closed
            context?.close(promise: nil)
            run.sessionClosed(self)
        case .idle:
            throw LoadError("unexpected frame of \(frame.readableBytes) bytes")
        case .closed:
            return
        }
    }

    private func replyHeader(_ frame: ByteBuffer) throws -> ReplyHeader {
        var frame = frame
        return try ReplyHeader(juteFrom: &frame, limits: .default)
    }

    /// Sends one request and hands its reply header to `onReply`.
    func call(_ template: RequestTemplate, onReply: @escaping (ReplyHeader) -> Void) {
        let xid = takeXid()
        state = .calling(xid: xid, onReply: onReply)
        write(template, xid: xid)
    }

    /// Fills the pipeline; each reply is replaced while the run is sending.
    func startLoad(_ template: RequestTemplate, depth: Int) {
        state = .loading(template)
        oldestXid = nextXid
        toSend = depth
        sendReplacements()
    }

    func closeSession() {
        let xid = takeXid()
        state = .closing(xid: xid)
        write(LoadFrames.closeSession, xid: xid)
    }

    func abort() {
        state = .closed
        context?.close(promise: nil)
    }

    /// One buffer and one flush for every request answered in this read.
    private func sendReplacements() {
        guard toSend > 0, case .loading(let template) = state, let context else { return }
        guard run.isSending else {
            toSend = 0
            if outstanding == 0 {
                state = .idle
                run.sessionDrained(self)
            }
            return
        }
        var out = context.channel.allocator.buffer(capacity: toSend * template.length)
        let now = NIODeadline.now().uptimeNanoseconds
        for _ in 0..<toSend {
            template.write(xid: takeXid(), sequence: Int(sentCount), to: &out)
            sentAt[sentCount & ringMask] = now
            sentCount += 1
        }
        outstanding += toSend
        toSend = 0
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }

    private func write(_ template: RequestTemplate, xid: Int32) {
        guard let context else { return }
        var out = context.channel.allocator.buffer(capacity: template.length)
        template.write(xid: xid, to: &out)
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }

    private func takeXid() -> Int32 {
        defer { nextXid = Self.xid(after: nextXid) }
        return nextXid
    }

    /// Positive xids only: -1 and -2 are the server's events and pings.
    private static func xid(after xid: Int32) -> Int32 {
        xid == Int32.max ? 1 : xid + 1
    }
}
