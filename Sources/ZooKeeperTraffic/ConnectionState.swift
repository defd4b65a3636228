import NIOCore
import ZooKeeperJute
import ZooKeeperPCAP
import ZooKeeperProtocol

/// One connection's decoding state: which protocol, its decoder, and per
/// direction the bytes not yet decoded.
struct ConnectionState {
    struct Direction {
        /// The undecoded bytes: a slice of the capture while no message spans segments.
        var pending = ByteBuffer()
        /// Stream offset of `pending`'s first readable byte.
        var offset = 0
        /// Not at a known message boundary: search for one before decoding.
        var needsResync = false
        /// `pending` is a buffer of our own, and no message handed out shares its storage,
        /// so appending to it writes in place.
        var pendingIsPrivate = false

        /// Adds the stream's next bytes. Copies only when undecoded bytes remain, i.e. when a
        /// message spans segments; otherwise keeps the capture's slice.
        mutating func append(_ bytes: ByteBuffer) {
            if pending.readableBytes == 0 {
                pending = bytes
                pendingIsPrivate = false
            } else if pendingIsPrivate {
                pending.writeImmutableBuffer(bytes)
            } else {
                var merged = ByteBufferAllocator().buffer(capacity: pending.readableBytes + bytes.readableBytes)
                merged.writeImmutableBuffer(pending)
                merged.writeImmutableBuffer(bytes)
                pending = merged
                pendingIsPrivate = true
            }
        }

        /// Takes `length` bytes off the front as one message's bytes, with their stream offset.
        mutating func take(_ length: Int) -> (bytes: ByteBuffer, offset: Int) {
            let start = offset
            offset += length
            guard length > 0 else { return (Self.noBytes, start) }
            // A message's slice shares `pending`'s storage: appending in place would copy it all.
            pendingIsPrivate = false
            return (pending.readSlice(length: length) ?? Self.noBytes, start)
        }

        private static let noBytes = ByteBuffer()
    }

    let id: ConnectionID
    // The decoder's settings this connection uses, not the decoder itself: copying its port
    // sets into every connection's state costs more than the rest of setting it up.
    let limits: JuteLimits
    let resyncWindow: Int
    /// The reassembler names the first sender "client" when it missed the SYN;
    /// if that sender owns the well-known port, the roles are the other way round.
    let swapped: Bool
    /// The connection with client and server in ZooKeeper's terms, as messages name it.
    let zooKeeperID: ConnectionID
    var proto: TrafficProtocol?
    var decoder: ConnectionDecoding?
    // Two fields, not a dictionary: they are read several times per message.
    var clientToServer = Direction()
    var serverToClient = Direction()

    subscript(direction: StreamDirection) -> Direction {
        get { direction == .clientToServer ? clientToServer : serverToClient }
        _modify {
            if direction == .clientToServer {
                yield &clientToServer
            } else {
                yield &serverToClient
            }
        }
    }

    /// The undecoded byte count of `direction`, read without copying the direction out
    /// (the subscript's getter would, retaining its bytes, for every message).
    private func pendingCount(_ direction: StreamDirection) -> Int {
        direction == .clientToServer ? clientToServer.pending.readableBytes : serverToClient.pending.readableBytes
    }

    init(id: ConnectionID, config: CaptureDecoder) {
        self.id = id
        self.limits = config.limits
        self.resyncWindow = config.resyncWindow
        let serverProto = config.ports.protocolOf(port: id.server.port)
        let clientProto = config.ports.protocolOf(port: id.client.port)
        swapped = !id.initiatorKnown && serverProto == nil && clientProto != nil
        zooKeeperID = swapped ? ConnectionID(client: id.server, server: id.client, initiatorKnown: false) : id
        proto = serverProto ?? (id.initiatorKnown ? nil : clientProto)
    }

    /// The direction in ZooKeeper terms (initiator to acceptor is `.clientToServer`).
    func role(_ direction: StreamDirection) -> StreamDirection {
        swapped ? direction.reversed : direction
    }

    mutating func streamStarted(_ direction: StreamDirection, midStream: Bool) {
        self[direction].needsResync = midStream
    }

    mutating func receive(
        _ bytes: ByteBuffer,
        on direction: StreamDirection,
        at time: CaptureTimestamp,
        into output: inout some MessageSink
    ) {
        self[direction].append(bytes)
        if decoder == nil {
            let role = role(direction)
            if proto == nil, role == .clientToServer {
                proto = ProtocolGuess.guess(initiatorBytes: self[direction].pending)
            }
            guard let proto else {
                // Wait for the initiator's first bytes; if the acceptor speaks first
                // or the guess fails, the bytes stay undecoded.
                if role == .serverToClient || self[direction].pending.readableBytes >= 8 {
                    flush(direction, at: time, into: &output) { _ in .undecoded(reason: "unrecognised protocol") }
                }
                return
            }
            let midStream = clientToServer.needsResync || serverToClient.needsResync
            decoder = ConnectionDecoding(proto, midStream: midStream, limits: limits)
        }
        drain(direction, at: time, into: &output)
    }

    /// Takes `length` bytes off the front of `direction`'s pending bytes as one message.
    private mutating func emit(
        _ direction: StreamDirection,
        _ length: Int,
        _ content: consuming DecodedMessage.Content,
        at time: CaptureTimestamp,
        into output: inout some MessageSink
    ) {
        let (bytes, offset) = self[direction].take(length)
        output.put(DecodedMessage(
            time: time, stream: StreamID(connection: zooKeeperID, direction: role(direction)), proto: proto ?? .client,
            content: content, wireBytes: bytes, streamOffset: offset))
    }

    /// Decodes every whole message buffered for `direction`.
    private mutating func drain(_ direction: StreamDirection, at time: CaptureTimestamp, into output: inout some MessageSink) {
        guard decoder != nil else { return }
        let role = role(direction)
        while pendingCount(direction) > 0 {
            if direction == .clientToServer ? clientToServer.needsResync : serverToClient.needsResync {
                let pending = self[direction].pending
                guard let skip = Self.findBoundary(in: pending, role: role, decoder: decoder!, window: resyncWindow) else {
                    if pending.readableBytes > resyncWindow {
                        emit(direction, pending.readableBytes, .undecoded(reason: "no message boundary found"), at: time, into: &output)
                    }
                    return
                }
                self[direction].needsResync = false
                if skip > 0 { emit(direction, skip, .resynchronised(skippedBytes: skip), at: time, into: &output) }
            }
            do {
                let stream = StreamID(connection: zooKeeperID, direction: role)
                let decoded = direction == .clientToServer
                    ? try Self.decodeNext(&clientToServer, &decoder!, stream: stream, proto: proto ?? .client, at: time, into: &output)
                    : try Self.decodeNext(&serverToClient, &decoder!, stream: stream, proto: proto ?? .client, at: time, into: &output)
                guard decoded else { return }
            } catch {
                // The bytes from here to the next boundary found are one malformed message.
                var rest = self[direction].pending
                rest.moveReaderIndex(forwardBy: 1)
                let next = Self.findBoundary(in: rest, role: role, decoder: decoder!, window: resyncWindow)
                emit(direction, 1 + (next ?? rest.readableBytes), .malformed(reason: "\(error)"), at: time, into: &output)
            }
        }
    }

    /// Decodes the next message of one direction and emits it; false when more bytes are needed.
    ///
    /// Decodes in place (the decoders consume nothing unless a whole message decodes), then
    /// rewinds so `take` slices the message's bytes: no copy of the pending buffer, and the
    /// content goes straight into the message. On a throw nothing is consumed.
    private static func decodeNext(
        _ state: inout Direction,
        _ decoder: inout ConnectionDecoding,
        stream: StreamID,
        proto: TrafficProtocol,
        at time: CaptureTimestamp,
        into output: inout some MessageSink
    ) throws -> Bool {
        let start = state.pending.readerIndex
        let content: DecodedMessage.Content
        do {
            guard let decoded = try decoder.next(stream.direction, from: &state.pending) else {
                state.pending.moveReaderIndex(to: start)
                return false
            }
            content = decoded
        } catch {
            state.pending.moveReaderIndex(to: start)
            throw error
        }
        let length = state.pending.readerIndex - start
        state.pending.moveReaderIndex(to: start)
        let (bytes, offset) = state.take(length)
        output.put(DecodedMessage(
            time: time, stream: stream, proto: proto, content: consume content, wireBytes: bytes, streamOffset: offset))
        return true
    }

    /// The first offset where a whole message decodes, trying a copy of the decoder.
    static func findBoundary(in bytes: ByteBuffer, role: StreamDirection, decoder: ConnectionDecoding, window: Int) -> Int? {
        let limit = min(bytes.readableBytes, window)
        for offset in 0..<limit {
            var candidate = bytes.getSlice(at: bytes.readerIndex + offset, length: bytes.readableBytes - offset)!
            var trial = decoder
            if let content = try? trial.next(role, from: &candidate), plausible(content) {
                return offset
            }
        }
        return nil
    }

    /// Rejects decodes that are likely accidents of scanning random bytes.
    static func plausible(_ content: DecodedMessage.Content) -> Bool {
        switch content {
        case .client(.request(let request)):
            return request.op.name != nil && (request.xid >= 0 || request.xid == Xid.ping
                || request.xid == Xid.auth || request.xid == Xid.setWatches)
        case .server(.reply(let reply)):
            return reply.op != nil || reply.xid >= 0
        case .server(.event(_, let event)):
            return !EventType(rawValue: event.type).description.hasPrefix("unknown")
        default:
            return true
        }
    }

    mutating func gap(_ missing: UInt64, on direction: StreamDirection, at time: CaptureTimestamp, into output: inout some MessageSink) {
        flush(direction, at: time, into: &output) { _ in .undecoded(reason: "incomplete message before a gap") }
        emit(direction, 0, .gap(bytesMissing: missing), at: time, into: &output)
        self[direction].offset += Int(clamping: missing)
        self[direction].needsResync = true
    }

    mutating func finish(_ direction: StreamDirection, at time: CaptureTimestamp, into output: inout some MessageSink) {
        flush(direction, at: time, into: &output) { length in
            .malformed(reason: "the connection ended \(length) bytes into a message")
        }
    }

    mutating func close(_ reason: CloseReason, at time: CaptureTimestamp, into output: inout some MessageSink) {
        for direction in StreamDirection.allCases {
            finish(direction, at: time, into: &output)
        }
        emit(.clientToServer, 0, .closed(reason), at: time, into: &output)
    }

    /// Emits the bytes still pending as one message; the content (and its reason
    /// text) is made only when there are some, which is rare.
    private mutating func flush(
        _ direction: StreamDirection,
        at time: CaptureTimestamp,
        into output: inout some MessageSink,
        as content: (Int) -> DecodedMessage.Content
    ) {
        let length = self[direction].pending.readableBytes
        if length > 0 { emit(direction, length, content(length), at: time, into: &output) }
    }
}
