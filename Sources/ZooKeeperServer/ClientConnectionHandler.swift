import Logging
import NIOCore
import ZooKeeperJute
import ZooKeeperProtocol
import ZooKeeperServerCore

/// One client connection: frames in, the request logic under the server's
/// lock, replies and events out in the order Java sends them.
final class ClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase { case handshake, established, closed }


    private let server: ZooKeeperServer
    private var phase = Phase.handshake
    private var received: ByteBuffer?
    /// The zxid the output being written depends on (see ConnectionHandle.drain).
    private var tag: Int64 = 0
    /// Output written directly while nothing waits in the outbox and the log
    /// is ahead of it: no per-message buffer, one write per read batch.
    private var direct: ByteBuffer?
    /// Counter changes of this read batch, added to the server's at its end:
    /// one lock shared by every connection per batch, not several per request.
    private var pendingCounters = ServerCounters()
    private var hasPendingCounters = false

    private func counters(_ change: (inout ServerCounters) -> Void) {
        change(&pendingCounters)
        hasPendingCounters = true
    }

    private func publishCounters() {
        guard hasPendingCounters else { return }
        let delta = pendingCounters
        pendingCounters = ServerCounters()
        hasPendingCounters = false
        server.counters.withLockedValue { $0.merge(delta) }
    }
    private var handle: ConnectionHandle?
    /// This connection's DIGEST-MD5 exchange, from its first SASL request.
    private var sasl: SASLNegotiation?
    private var connection = ConnectionContext(id: 0, sessionID: 0, identities: ConnectionIdentities())
    private var logger: Logger

    init(server: ZooKeeperServer) {
        self.server = server
        self.logger = server.logger
    }

    func channelActive(context: ChannelHandlerContext) {
        let id = server.connections.makeID()
        let remote = context.remoteAddress
        let ip = remote?.ipAddress ?? "unknown"
        logger[metadataKey: "connection"] = "\(id)"
        logger[metadataKey: "remote"] = "\(remote.map { "\($0)" } ?? "?")"
        let limit = server.configuration.maxClientCnxns
        if limit > 0 && server.connections.count(from: ip) >= limit {
            logger.warning("too many connections from \(ip), max is \(limit)")
            phase = .closed
            context.close(promise: nil)
            return
        }
        let opened = ServerClock.now()
        let handle = ConnectionHandle(id: id, channel: context.channel, remote: ip, openedAt: opened.wall)
        handle.stats.withLockedValue { $0.touchedAt = opened.monotonic }
        self.handle = handle
        server.connections.add(handle)
        let identity = AccessControl.connectionIdentity(ipAddress: ip)
        connection = ConnectionContext(
            id: id, sessionID: 0, identities: ConnectionIdentities([identity]), remoteAddress: identity.id
        )
        logger.info("accepted connection")
        // Java drops connections that never finish a handshake (sessionlessCnxnTimeout).
        let channel = context.channel
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let timeout = server.sessionlessConnectionTimeout
        context.eventLoop.scheduleTask(in: .milliseconds(timeout)) {
            let handler = bound.value
            guard handler.phase == .handshake else { return }
            handler.logger.info("closing connection: no handshake within \(timeout) ms")
            handler.phase = .closed
            channel.close(promise: nil)
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let handle {
            server.connections.remove(handle.id)
            server.state.withState { $0.connectionClosed(handle.id) }
            logger.info("closed connection", metadata: ["session": "\(hex(connection.sessionID))"])
        }
        phase = .closed
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        guard phase != .closed else { return }
        // NIOServerCnxnFactory touches the connection's expiry on every read.
        let now = ServerClock.now().monotonic
        handle?.stats.withLockedValue { $0.touchedAt = now }
        if received == nil {
            received = incoming
        } else {
            received!.writeBuffer(&incoming)
        }
        processReceived(context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flush(context: context)
        if received?.readableBytes == 0 { received = nil } else { received?.discardReadBytes() }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let certificate = event as? ClientCertificateIdentities {
            var identities = connection.identities
            for identity in certificate.identities { identities.insert(identity) }
            connection.identities = identities
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.info("connection error: \(error)")
        context.close(promise: nil)
    }

    private func processReceived(context: ChannelHandlerContext) {
        while phase != .closed, var buffer = received {
            received = nil
            defer { if phase != .closed { received = buffer } }
            let progressed: Bool
            switch phase {
            case .handshake: progressed = handshake(&buffer, context: context)
            case .established: progressed = request(&buffer, context: context)
            case .closed: progressed = false
            }
            if !progressed { received = buffer; break }
        }
    }

    /// Reads one frame, closing the connection when its length is one Java refuses.
    private func nextFrame(_ buffer: inout ByteBuffer, context: ChannelHandlerContext) -> ByteBuffer? {
        do {
            return try Frame.read(from: &buffer, maxLength: server.configuration.settings.juteMaxBuffer)
        } catch {
            if phase == .handshake, buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) == 0x16 {
                close(context, reason: "bad frame: a TLS handshake on a plain-text port (client.portUnification is off): \(error)")
                return nil
            }
            close(context, reason: "bad frame: \(error)")
            return nil
        }
    }

    private func handshake(_ buffer: inout ByteBuffer, context: ChannelHandlerContext) -> Bool {
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return false }
        let word = FourLetterWord(rawValue: first)
        if word.isKnown {
            // A whitelisted stmk reads its 8-byte mask before answering.
            if word == FourLetterWords.setTraceMask && buffer.readableBytes < 12
                && server.configuration.settings.fourLetterWordWhitelist.contains(word.word) {
                return false
            }
            buffer.moveReaderIndex(forwardBy: 4)
            answer(word, buffer: &buffer, context: context)
            return false
        }
        guard let body = nextFrame(&buffer, context: context) else { return false }
        let start = ServerClock.now().monotonic
        countReceived(frameLength: body.readableBytes)
        counters { $0.connectionRequests += 1 }
        let frame: ConnectRequestFrame
        do {
            frame = try ConnectRequestFrame(frameBody: body, limits: limits)
        } catch {
            close(context, reason: "bad ConnectRequest: \(error)")
            return false
        }
        let id = connection.id
        let (outcome, tag) = server.step(except: id) { state in
            let outcome = state.connect(frame, connection: id, now: ServerClock.now())
            return (outcome, outcome.txns, [])
        }
        self.tag = tag
        for other in outcome.closeConnections {
            server.connections.get(other)?.channel.close(promise: nil)
        }
        guard let response = outcome.response else {
            close(context, reason: "client has seen zxid \(hex(frame.request.lastZxidSeen)), ahead of this server")
            return false
        }
        write(.connect(response), context: context)
        if outcome.close {
            flush(context: context)
            close(context, reason: "session \(hex(frame.request.sessionId)) is expired or its password is wrong")
            return false
        }
        connection.sessionID = outcome.sessionID
        // A new session goes through FinalRequestProcessor as createSession (cxid 0);
        // a reopened one does not.
        let created = frame.request.sessionId == 0
        let zxid = created ? server.state.withState { $0.lastZxid } : 0
        let end = ServerClock.now().monotonic
        handle?.stats.withLockedValue {
            $0.sessionID = outcome.sessionID
            $0.timeout = response.response.timeOut
            if created { $0.recordResponse(cxid: 0, zxid: zxid, op: "SESS", start: start, end: end) }
        }
        if created {
            counters { $0.recordLatency(end - start, isWrite: true) }
        }
        logger.info(
            frame.request.sessionId == 0 ? "established new session" : "re-established session",
            metadata: ["session": "\(hex(outcome.sessionID))", "timeout": "\(response.response.timeOut)"]
        )
        phase = .established
        return true
    }

    private var limits: JuteLimits {
        JuteLimits(maxBuffer: server.configuration.settings.juteMaxBuffer)
    }

    /// A request read off the wire, decoded before the state lock is taken.
    private struct Incoming {
        var xid: Int32
        var type: Int32
        var length: Int
        var request: ClientRequest?
    }

    /// Requests taken from one read and run under one hold of the state lock:
    /// fewer lock hand-offs between event loops when clients pipeline.
    static let batchLimit = 64

    /// Decodes the complete requests in `buffer` and runs them as one step.
    /// A frame Java refuses closes the connection after the requests before it
    /// are answered; nothing after a closeSession runs.
    private func request(_ buffer: inout ByteBuffer, context: ChannelHandlerContext) -> Bool {
        var batch: [Incoming] = []
        var refusal: String?
        while batch.count < Self.batchLimit {
            let frame: ByteBuffer?
            do {
                frame = try Frame.read(from: &buffer, maxLength: server.configuration.settings.juteMaxBuffer)
            } catch {
                refusal = "bad frame: \(error)"
                break
            }
            guard let body = frame else { break }
            guard body.readableBytes >= 8,
                  let xid = body.getInteger(at: body.readerIndex, as: Int32.self),
                  let type = body.getInteger(at: body.readerIndex + 4, as: Int32.self) else {
                refusal = "frame of \(body.readableBytes) bytes is shorter than a request header"
                break
            }
            // SASL runs beside the state, between the requests around it.
            if OpCode(type) == .sasl, let settings = server.sasl {
                if !batch.isEmpty && !run(batch, context: context) { return false }
                return saslRequest(body, xid: xid, settings: settings, context: context)
            }
            var request: ClientRequest?
            do {
                request = try ClientRequest(frameBody: body, limits: limits)
            } catch {
                logger.info("undecodable request body: \(error)", metadata: ["op": "\(OpCode(type))"])
            }
            batch.append(Incoming(xid: xid, type: type, length: body.readableBytes, request: request))
            if OpCode(type) == .closeSession { break }
        }
        if !batch.isEmpty && !run(batch, context: context) { return false }
        if let refusal {
            close(context, reason: refusal)
            return false
        }
        return !batch.isEmpty
    }

    /// Runs `batch` in order, each request seeing the identities the ones
    /// before it added, then answers each as if it had been a step of its own.
    /// False when the connection is closing.
    private func run(_ batch: [Incoming], context: ChannelHandlerContext) -> Bool {
        let now = ServerClock.now()
        var context_ = connection
        let (outcomes, _) = server.step(except: connection.id) { state in
            var outcomes: [(RequestOutcome, tag: Int64)] = []
            var txns: [TxnEntry] = []
            var deliveries: [WatchDelivery] = []
            for item in batch {
                let outcome = if let request = item.request {
                    state.process(request, from: context_, now: now)
                } else {
                    state.processUndecodable(xid: item.xid, op: OpCode(item.type), from: context_, now: now)
                }
                if let identities = outcome.identities { context_.identities = identities }
                txns += outcome.txns
                deliveries += outcome.deliveries
                outcomes.append((outcome, state.lastZxid))
                if outcome.close { break }
            }
            return (outcomes, txns, deliveries)
        }
        for (item, (outcome, tag)) in zip(batch, outcomes) {
            self.tag = tag
            guard answer(item, outcome, start: now, context: context) else { return false }
        }
        return true
    }

    /// What follows one request's step: its own events, its reply, statistics.
    private func answer(_ item: Incoming, _ outcome: RequestOutcome, start now: Instant, context: ChannelHandlerContext) -> Bool {
        let xid = item.xid, type = item.type
        countReceived(frameLength: item.length)
        if let identities = outcome.identities { connection.identities = identities }
        for other in outcome.closeConnections {
            server.connections.get(other)?.channel.close(promise: nil)
        }
        // Events posted to this connection are already in its outbox; this
        // request's own events go before its reply.
        for delivery in outcome.deliveries where delivery.connection == connection.id {
            write(.event(ZooKeeperServer.eventHeader, delivery.event), context: context)
        }
        if let reply = outcome.reply {
            write(.reply(reply), context: context)
            let op = OpCode(type)
            if RequestStatistics.isCounted(op) {
                let end = ServerClock.now().monotonic
                let name = RequestStatistics.lastOp(op, err: reply.err)
                handle?.stats.withLockedValue {
                    $0.recordResponse(cxid: Int64(xid), zxid: reply.zxid, op: name, start: now.monotonic, end: end)
                }
                counters { $0.recordLatency(end - now.monotonic, isWrite: RequestStatistics.isWrite(op)) }
            }
            if reply.err == .authFailed {
                logger.warning("authentication failed")
                counters { $0.authFailed += 1 }
            }
        }
        if outcome.close {
            flush(context: context)
            close(context, reason: OpCode(type) == .closeSession ? "session closed by client" : "closing after \(OpCode(type))")
            return false
        }
        return true
    }

    /// ZooKeeperServer.processSasl: one step of the DIGEST-MD5 exchange; a
    /// failure is answered and the connection closed.
    private func saslRequest(_ body: ByteBuffer, xid: Int32, settings: SASLSettings, context: ChannelHandlerContext) -> Bool {
        countReceived(frameLength: body.readableBytes)
        var token: [UInt8] = []
        var reader = body
        reader.moveReaderIndex(forwardBy: 8)
        do {
            let request = try GetSASLRequest(juteBytes: reader, limits: limits)
            token = request.token.map { Array($0.readableBytesView) } ?? []
        } catch {
            // Java fails reading the record and closes the connection.
            close(context, reason: "undecodable SASL request: \(error)")
            return false
        }
        if sasl == nil {
            sasl = SASLNegotiation(settings: settings, required: server.saslRequired, nonce: SASLConfiguration.makeNonce())
        }
        let outcome = sasl!.respond(xid: xid, token: token, identities: connection.identities)
        for line in outcome.log {
            if outcome.close { logger.warning("\(line)") } else { logger.info("\(line)") }
        }
        if let identities = outcome.identities { connection.identities = identities }
        write(.reply(outcome.reply), context: context)
        if outcome.close {
            counters { $0.authFailed += 1 }
            flush(context: context)
            close(context, reason: "SASL authentication failed")
            return false
        }
        return true
    }

    /// Java counts the word as a packet received (4 bytes), answers, counts
    /// one packet sent, and closes; bytes after the word are ignored.
    private func answer(_ word: FourLetterWord, buffer: inout ByteBuffer, context: ChannelHandlerContext) {
        publishCounters()
        handle?.stats.withLockedValue {
            $0.received += 1
            $0.answeringWord = true
        }
        server.counters.withLockedValue {
            $0.received += 1
            $0.bytesReceived += 4
        }
        phase = .closed
        let channel = context.channel
        guard let text = FourLetterWords.answer(word, extra: &buffer, server: server, own: handle?.id) else {
            context.close(promise: nil)
            return
        }
        var out = context.channel.allocator.buffer(capacity: text.utf8.count)
        out.writeString(text)
        let handle = handle
        let server = server
        context.writeAndFlush(wrapOutboundOut(out)).whenComplete { _ in
            handle?.stats.withLockedValue { $0.sent += 1 }
            server.counters.withLockedValue { $0.sent += 1 }
            channel.close(promise: nil)
        }
    }

    private func countReceived(frameLength: Int) {
        handle?.stats.withLockedValue { $0.received += 1 }
        counters {
            $0.received += 1
            $0.bytesReceived += 4 + frameLength
        }
    }

    private func write(_ message: ServerMessage, context: ChannelHandlerContext) {
        let length: Int
        if let handle, handle.isIdle(upTo: tag, log: server.txnLog) {
            // Events posted before this step would be in the outbox, making it
            // not idle; anything posted later is a later change and may follow.
            if direct == nil { direct = context.channel.allocator.buffer(capacity: 1024) }
            let before = direct!.writerIndex
            message.write(to: &direct!)
            length = direct!.writerIndex - before - 4
        } else {
            // Keep the order: what was written directly goes before the outbox.
            if let pending = direct, pending.readableBytes > 0 {
                direct = nil
                context.write(wrapOutboundOut(pending), promise: nil)
            }
            length = (handle?.enqueue(message, tag: tag) ?? 4) - 4
        }
        handle?.stats.withLockedValue { $0.sent += 1 }
        let kind: ServerCounters.Frame
        switch message {
        case .reply: kind = .reply
        case .event: kind = .event
        case .connect, .fourLetterReply: kind = .other
        }
        counters { $0.countSent(kind, length: length) }
    }

    /// Writes what the txn log allows; the rest follows when it is durable.
    private func flush(context: ChannelHandlerContext) {
        publishCounters()
        if let pending = direct, pending.readableBytes > 0 {
            direct = nil
            context.writeAndFlush(wrapOutboundOut(pending), promise: nil)
        }
        handle?.drain(log: server.txnLog)
    }

    /// Stops reading and closes once everything queued is written (a reply
    /// Java sends before closing may wait for the log).
    private func close(_ context: ChannelHandlerContext, reason: String) {
        guard phase != .closed else { return }
        phase = .closed
        logger.info("closing connection: \(reason)", metadata: ["session": "\(hex(connection.sessionID))"])
        publishCounters()
        if let pending = direct, pending.readableBytes > 0 {
            direct = nil
            context.writeAndFlush(wrapOutboundOut(pending), promise: nil)
        }
        guard let handle else {
            context.close(promise: nil)
            return
        }
        handle.closeAfterPending()
        handle.drain(log: server.txnLog)
    }
}

func hex(_ value: Int64) -> String { "0x" + String(UInt64(bitPattern: value), radix: 16) }
