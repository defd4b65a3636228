import NIOCore
import ZooKeeperJute
import ZooKeeperPCAP
import ZooKeeperProtocol

/// Turns a capture's TCP streams into ZooKeeper messages, connection by
/// connection, in capture-time order.
public struct CaptureDecoder: Sendable {
    public var ports: TrafficPorts
    public var limits: JuteLimits
    /// How far to search for a message boundary before giving up on the bytes at hand.
    public var resyncWindow: Int

    public init(ports: TrafficPorts = TrafficPorts(), limits: JuteLimits = .default, resyncWindow: Int = 64 * 1024) {
        self.ports = ports
        self.limits = limits
        self.resyncWindow = resyncWindow
    }

    /// Reads a whole capture file.
    public func decode(captureFile bytes: ByteBuffer) throws(CaptureError) -> CaptureDecoding {
        let streams = try CaptureStreams.events(fromCaptureFile: bytes)
        return CaptureDecoding(streams: streams, messages: decode(streams.events))
    }

    /// Decodes reassembler events (as `CaptureStreams` produces them).
    public func decode(_ events: [TCPStreamEvent]) -> [DecodedMessage] {
        var connections: [ConnectionID: ConnectionState] = [:]
        var output: [DecodedMessage] = []
        for event in events {
            switch event {
            case .opened(let id, _):
                connections[id] = ConnectionState(id: id, ports: ports)
            case .streamStarted(let stream, let midStream, _):
                connections[stream.connection, default: ConnectionState(id: stream.connection, ports: ports)]
                    .streamStarted(stream.direction, midStream: midStream)
            case .data(let stream, let bytes, let time):
                connections[stream.connection, default: ConnectionState(id: stream.connection, ports: ports)]
                    .receive(bytes, on: stream, at: time, decoder: self, into: &output)
            case .gap(let stream, let missing, let time):
                connections[stream.connection, default: ConnectionState(id: stream.connection, ports: ports)]
                    .gap(missing, on: stream, at: time, into: &output)
            case .finished(let stream, let time):
                connections[stream.connection]?.finish(stream, at: time, into: &output)
            case .closed(let id, _, let time):
                if var state = connections.removeValue(forKey: id) {
                    for direction in StreamDirection.allCases {
                        state.finish(StreamID(connection: id, direction: direction), at: time, into: &output)
                    }
                }
            }
        }
        return output
    }
}

/// A decoded capture: the messages and what the capture layer reported.
public struct CaptureDecoding: Sendable {
    public var streams: CaptureStreamsResult
    public var messages: [DecodedMessage]
}

/// One connection's decoding state.
struct ConnectionState {
    struct Direction {
        var pending = ByteBuffer()
        /// Not at a known message boundary: search for one before decoding.
        var needsResync = false
        var started = false
    }

    let id: ConnectionID
    let ports: TrafficPorts
    /// The reassembler names the first sender "client" when it missed the SYN;
    /// if that sender owns the well-known port, the roles are the other way round.
    let swapped: Bool
    var proto: TrafficProtocol?
    var decoder: (any ConnectionDecoding)?
    var directions: [StreamDirection: Direction] = [.clientToServer: Direction(), .serverToClient: Direction()]

    init(id: ConnectionID, ports: TrafficPorts) {
        self.id = id
        self.ports = ports
        let serverProto = ports.protocolOf(port: id.server.port)
        let clientProto = ports.protocolOf(port: id.client.port)
        swapped = !id.initiatorKnown && serverProto == nil && clientProto != nil
        proto = serverProto ?? (id.initiatorKnown ? nil : clientProto)
    }

    /// The direction in ZooKeeper terms (initiator to acceptor is `.clientToServer`).
    func role(_ direction: StreamDirection) -> StreamDirection {
        swapped ? direction.reversed : direction
    }

    mutating func streamStarted(_ direction: StreamDirection, midStream: Bool) {
        directions[direction]!.needsResync = midStream
        directions[direction]!.started = true
    }

    mutating func receive(
        _ bytes: ByteBuffer,
        on stream: StreamID,
        at time: CaptureTimestamp,
        decoder config: CaptureDecoder,
        into output: inout [DecodedMessage]
    ) {
        directions[stream.direction]!.pending.writeImmutableBuffer(bytes)
        if decoder == nil {
            let role = role(stream.direction)
            if proto == nil, role == .clientToServer {
                proto = ProtocolGuess.guess(initiatorBytes: directions[stream.direction]!.pending)
            }
            guard let proto else {
                // Wait for the initiator's first bytes; if the acceptor speaks first
                // or the guess fails, the bytes stay undecoded.
                if role == .serverToClient || directions[stream.direction]!.pending.readableBytes >= 8 {
                    flushUndecoded(stream, at: time, reason: "unrecognised protocol", into: &output)
                }
                return
            }
            let midStream = directions.values.contains { $0.needsResync }
            decoder = Self.makeDecoder(proto, midStream: midStream, limits: config.limits)
        }
        drain(stream, at: time, config: config, into: &output)
    }

    static func makeDecoder(_ proto: TrafficProtocol, midStream: Bool, limits: JuteLimits) -> (any ConnectionDecoding)? {
        switch proto {
        case .client: ClientPortDecoding(startedMidStream: midStream, limits: limits)
        case .election: ElectionPortDecoding(limits: limits)
        case .quorum: QuorumPortDecoding(limits: limits)
        }
    }

    /// Decodes every whole message buffered for `stream`.
    private mutating func drain(
        _ stream: StreamID,
        at time: CaptureTimestamp,
        config: CaptureDecoder,
        into output: inout [DecodedMessage]
    ) {
        guard let proto, var decoder else {
            flushUndecoded(stream, at: time, reason: "no decoder for \(proto?.rawValue ?? "unknown") traffic", into: &output)
            return
        }
        defer { self.decoder = decoder }
        var state = directions[stream.direction]!
        defer { directions[stream.direction] = state }
        let role = role(stream.direction)
        let zkStream = StreamID(connection: id, direction: role)

        while state.pending.readableBytes > 0 {
            if state.needsResync {
                guard let skip = Self.findBoundary(in: state.pending, role: role, decoder: decoder, window: config.resyncWindow) else {
                    if state.pending.readableBytes > config.resyncWindow {
                        let junk = state.pending.readSlice(length: state.pending.readableBytes)!
                        output.append(DecodedMessage(
                            time: time, stream: zkStream, proto: proto,
                            content: .undecoded(reason: "no message boundary found"), wireBytes: junk))
                    }
                    return
                }
                state.needsResync = false
                if skip > 0 {
                    let skipped = state.pending.readSlice(length: skip)!
                    output.append(DecodedMessage(
                        time: time, stream: zkStream, proto: proto,
                        content: .resynchronised(skippedBytes: skip), wireBytes: skipped))
                }
            }
            let before = state.pending
            do {
                guard let content = try decoder.next(role, from: &state.pending) else { return }
                let consumed = before.readableBytes - state.pending.readableBytes
                let wire = before.getSlice(at: before.readerIndex, length: consumed)!
                output.append(DecodedMessage(time: time, stream: zkStream, proto: proto, content: content, wireBytes: wire))
            } catch {
                // Report the rest of what we hold as undecoded from here, then look
                // for the next boundary after it.
                let first = state.pending.readSlice(length: 1)!
                output.append(DecodedMessage(
                    time: time, stream: zkStream, proto: proto,
                    content: .undecoded(reason: "\(error)"), wireBytes: first))
                state.needsResync = true
                Self.mergeUndecoded(&output, &state.pending, config: config, role: role, decoder: decoder)
            }
        }
    }

    /// After an error, keeps the skipped bytes in the undecoded message rather
    /// than announcing a separate resynchronisation.
    private static func mergeUndecoded(
        _ output: inout [DecodedMessage],
        _ pending: inout ByteBuffer,
        config: CaptureDecoder,
        role: StreamDirection,
        decoder: any ConnectionDecoding
    ) {
        let skip = findBoundary(in: pending, role: role, decoder: decoder, window: config.resyncWindow)
            ?? pending.readableBytes
        guard skip > 0, var last = output.popLast() else { return }
        let more = pending.readSlice(length: skip)!
        last.wireBytes.writeImmutableBuffer(more)
        output.append(last)
    }

    /// The first offset where a whole message decodes, trying a copy of the decoder.
    static func findBoundary(
        in bytes: ByteBuffer,
        role: StreamDirection,
        decoder: any ConnectionDecoding,
        window: Int
    ) -> Int? {
        let limit = min(bytes.readableBytes, window)
        for offset in 0..<limit {
            var candidate = bytes.getSlice(at: bytes.readerIndex + offset, length: bytes.readableBytes - offset)!
            var trial = decoder
            if let content = try? trial.next(role, from: &candidate), Self.plausible(content) {
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
            return EventType(rawValue: event.type).description.hasPrefix("unknown") == false
        default:
            return true
        }
    }

    mutating func gap(_ missing: UInt64, on stream: StreamID, at time: CaptureTimestamp, into output: inout [DecodedMessage]) {
        let role = role(stream.direction)
        if directions[stream.direction]!.pending.readableBytes > 0 {
            flushUndecoded(stream, at: time, reason: "incomplete message before a gap", into: &output)
        }
        directions[stream.direction]!.needsResync = true
        output.append(DecodedMessage(
            time: time, stream: StreamID(connection: id, direction: role), proto: proto ?? .client,
            content: .gap(bytesMissing: missing), wireBytes: ByteBuffer()))
    }

    mutating func finish(_ stream: StreamID, at time: CaptureTimestamp, into output: inout [DecodedMessage]) {
        if directions[stream.direction]!.pending.readableBytes > 0 {
            flushUndecoded(stream, at: time, reason: "connection ended inside a message", into: &output)
        }
    }

    private mutating func flushUndecoded(
        _ stream: StreamID,
        at time: CaptureTimestamp,
        reason: String,
        into output: inout [DecodedMessage]
    ) {
        var pending = directions[stream.direction]!.pending
        guard pending.readableBytes > 0 else { return }
        let bytes = pending.readSlice(length: pending.readableBytes)!
        directions[stream.direction]!.pending = pending
        output.append(DecodedMessage(
            time: time, stream: StreamID(connection: id, direction: role(stream.direction)), proto: proto ?? .client,
            content: .undecoded(reason: reason), wireBytes: bytes))
    }
}
