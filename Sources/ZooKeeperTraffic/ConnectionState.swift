import NIOCore
import ZooKeeperJute
import ZooKeeperPCAP
import ZooKeeperProtocol

/// One connection's decoding state: which protocol, its decoder, and per
/// direction the bytes not yet decoded.
struct ConnectionState {
    struct Direction {
        var pending = ByteBuffer()
        /// Stream offset of `pending`'s first readable byte.
        var offset = 0
        /// Not at a known message boundary: search for one before decoding.
        var needsResync = false
    }

    let id: ConnectionID
    let config: CaptureDecoder
    /// The reassembler names the first sender "client" when it missed the SYN;
    /// if that sender owns the well-known port, the roles are the other way round.
    let swapped: Bool
    var proto: TrafficProtocol?
    var decoder: (any ConnectionDecoding)?
    var directions: [StreamDirection: Direction] = [.clientToServer: Direction(), .serverToClient: Direction()]

    init(id: ConnectionID, config: CaptureDecoder) {
        self.id = id
        self.config = config
        let serverProto = config.ports.protocolOf(port: id.server.port)
        let clientProto = config.ports.protocolOf(port: id.client.port)
        swapped = !id.initiatorKnown && serverProto == nil && clientProto != nil
        proto = serverProto ?? (id.initiatorKnown ? nil : clientProto)
    }

    /// The direction in ZooKeeper terms (initiator to acceptor is `.clientToServer`).
    func role(_ direction: StreamDirection) -> StreamDirection {
        swapped ? direction.reversed : direction
    }

    mutating func streamStarted(_ direction: StreamDirection, midStream: Bool) {
        directions[direction]!.needsResync = midStream
    }

    mutating func receive(
        _ bytes: ByteBuffer,
        on direction: StreamDirection,
        at time: CaptureTimestamp,
        into output: inout [DecodedMessage]
    ) {
        directions[direction]!.pending.writeImmutableBuffer(bytes)
        if decoder == nil {
            let role = role(direction)
            if proto == nil, role == .clientToServer {
                proto = ProtocolGuess.guess(initiatorBytes: directions[direction]!.pending)
            }
            guard let proto else {
                // Wait for the initiator's first bytes; if the acceptor speaks first
                // or the guess fails, the bytes stay undecoded.
                if role == .serverToClient || directions[direction]!.pending.readableBytes >= 8 {
                    flush(direction, at: time, as: .undecoded(reason: "unrecognised protocol"), into: &output)
                }
                return
            }
            let midStream = directions.values.contains { $0.needsResync }
            decoder = Self.makeDecoder(proto, midStream: midStream, limits: config.limits)
        }
        drain(direction, at: time, into: &output)
    }

    static func makeDecoder(_ proto: TrafficProtocol, midStream: Bool, limits: JuteLimits) -> any ConnectionDecoding {
        switch proto {
        case .client: ClientPortDecoding(startedMidStream: midStream, limits: limits)
        case .election: ElectionPortDecoding(limits: limits)
        case .quorum: QuorumPortDecoding(limits: limits)
        }
    }

    /// Takes `length` bytes off the front of `direction`'s pending bytes as one message.
    private mutating func emit(
        _ direction: StreamDirection,
        _ length: Int,
        _ content: DecodedMessage.Content,
        at time: CaptureTimestamp,
        into output: inout [DecodedMessage]
    ) {
        let bytes = directions[direction]!.pending.readSlice(length: length)!
        output.append(DecodedMessage(
            time: time, stream: StreamID(connection: id, direction: role(direction)), proto: proto ?? .client,
            content: content, wireBytes: bytes, streamOffset: directions[direction]!.offset))
        directions[direction]!.offset += length
    }

    /// Decodes every whole message buffered for `direction`.
    private mutating func drain(_ direction: StreamDirection, at time: CaptureTimestamp, into output: inout [DecodedMessage]) {
        guard var decoder else { return }
        defer { self.decoder = decoder }
        let role = role(direction)
        while directions[direction]!.pending.readableBytes > 0 {
            if directions[direction]!.needsResync {
                let pending = directions[direction]!.pending
                guard let skip = Self.findBoundary(in: pending, role: role, decoder: decoder, window: config.resyncWindow) else {
                    if pending.readableBytes > config.resyncWindow {
                        emit(direction, pending.readableBytes, .undecoded(reason: "no message boundary found"), at: time, into: &output)
                    }
                    return
                }
                directions[direction]!.needsResync = false
                if skip > 0 { emit(direction, skip, .resynchronised(skippedBytes: skip), at: time, into: &output) }
            }
            var trial = directions[direction]!.pending
            do {
                guard let content = try decoder.next(role, from: &trial) else { return }
                emit(direction, directions[direction]!.pending.readableBytes - trial.readableBytes, content, at: time, into: &output)
            } catch {
                // The bytes from here to the next boundary found are one malformed message.
                var rest = directions[direction]!.pending
                rest.moveReaderIndex(forwardBy: 1)
                let next = Self.findBoundary(in: rest, role: role, decoder: decoder, window: config.resyncWindow)
                emit(direction, 1 + (next ?? rest.readableBytes), .malformed(reason: "\(error)"), at: time, into: &output)
            }
        }
    }

    /// The first offset where a whole message decodes, trying a copy of the decoder.
    static func findBoundary(in bytes: ByteBuffer, role: StreamDirection, decoder: any ConnectionDecoding, window: Int) -> Int? {
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

    mutating func gap(_ missing: UInt64, on direction: StreamDirection, at time: CaptureTimestamp, into output: inout [DecodedMessage]) {
        flush(direction, at: time, as: .undecoded(reason: "incomplete message before a gap"), into: &output)
        emit(direction, 0, .gap(bytesMissing: missing), at: time, into: &output)
        directions[direction]!.offset += Int(clamping: missing)
        directions[direction]!.needsResync = true
    }

    mutating func finish(_ direction: StreamDirection, at time: CaptureTimestamp, into output: inout [DecodedMessage]) {
        let length = directions[direction]!.pending.readableBytes
        flush(direction, at: time, as: .malformed(reason: "the connection ended \(length) bytes into a message"), into: &output)
    }

    mutating func close(_ reason: CloseReason, at time: CaptureTimestamp, into output: inout [DecodedMessage]) {
        for direction in StreamDirection.allCases {
            finish(direction, at: time, into: &output)
        }
        emit(.clientToServer, 0, .closed(reason), at: time, into: &output)
    }

    private mutating func flush(
        _ direction: StreamDirection,
        at time: CaptureTimestamp,
        as content: DecodedMessage.Content,
        into output: inout [DecodedMessage]
    ) {
        let length = directions[direction]!.pending.readableBytes
        if length > 0 { emit(direction, length, content, at: time, into: &output) }
    }
}
