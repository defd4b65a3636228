import NIOCore

/// Turns captured TCP segments into ordered byte streams per connection direction.
///
/// Feed segments in capture order; events come out in an order that a protocol decoder can
/// consume directly. Out-of-order data is buffered (bounded per stream), retransmitted and
/// overlapping bytes are delivered once, and holes that can never be filled (the peer
/// acknowledged past them, RST, the buffer limit, or `finish()`) are reported as `.gap` so the
/// decoder can resynchronise instead of misparsing.
public struct TCPReassembler: Sendable {
    /// Memory bounds; the defaults are generous for ZooKeeper traffic.
    public struct Configuration: Sendable, Equatable {
        /// Out-of-order bytes held per stream before the oldest hole is declared a gap.
        public var maxBufferedBytesPerStream: Int
        /// Out-of-order segments held per stream before the oldest hole is declared a gap.
        public var maxBufferedSegmentsPerStream: Int

        public init(maxBufferedBytesPerStream: Int = 4 << 20, maxBufferedSegmentsPerStream: Int = 4096) {
            self.maxBufferedBytesPerStream = max(0, maxBufferedBytesPerStream)
            self.maxBufferedSegmentsPerStream = max(0, maxBufferedSegmentsPerStream)
        }
    }

    /// Unordered pair of endpoints, so both directions find the same connection.
    private struct Key: Hashable, Sendable {
        var low: TCPEndpoint
        var high: TCPEndpoint

        init(_ a: TCPEndpoint, _ b: TCPEndpoint) {
            if a < b {
                (self.low, self.high) = (a, b)
            } else {
                (self.low, self.high) = (b, a)
            }
        }
    }

    private struct Connection: Sendable {
        var id: ConnectionID
        var serial: Int
        var clientToServer = StreamState()
        var serverToClient = StreamState()
        var closed = false

        subscript(direction: StreamDirection) -> StreamState {
            get { direction == .clientToServer ? self.clientToServer : self.serverToClient }
            set {
                if direction == .clientToServer {
                    self.clientToServer = newValue
                } else {
                    self.serverToClient = newValue
                }
            }
        }

        func stream(_ direction: StreamDirection) -> StreamID {
            StreamID(connection: self.id, direction: direction)
        }
    }

    public let configuration: Configuration
    private var connections: [Key: Connection] = [:]
    private var nextSerial = 0
    private var lastTime = CaptureTimestamp.zero
    /// Segments for connections already closed (late ACKs, retransmitted FINs); nothing to deliver.
    public private(set) var ignoredSegmentCount = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Number of connections currently tracked and not closed.
    public var openConnectionCount: Int {
        self.connections.values.filter { !$0.closed }.count
    }

    /// Processes one segment, appending the resulting events.
    public mutating func process(_ segment: TCPSegment, at time: CaptureTimestamp, into events: inout [TCPStreamEvent]) {
        self.lastTime = max(self.lastTime, time)
        let key = Key(segment.source, segment.destination)
        let flags = segment.flags
        let isSYN = flags.contains(.syn) && !flags.contains(.rst)

        var connection: Connection
        if var existing = self.connections.removeValue(forKey: key) {
            if !existing.closed, isSYN, !self.continues(existing, with: segment) {
                // Same endpoints, new handshake: the old connection cannot receive anything more.
                self.close(&existing, reason: .superseded, time: time, into: &events)
            }
            if existing.closed {
                guard isSYN else {
                    self.ignoredSegmentCount += 1
                    self.connections[key] = existing
                    return
                }
                connection = self.open(for: segment, time: time, into: &events)
            } else {
                connection = existing
            }
        } else {
            connection = self.open(for: segment, time: time, into: &events)
        }
        self.handle(segment, in: &connection, time: time, into: &events)
        self.connections[key] = connection
    }

    /// Convenience returning the events of one segment.
    public mutating func process(_ segment: TCPSegment, at time: CaptureTimestamp) -> [TCPStreamEvent] {
        var events: [TCPStreamEvent] = []
        self.process(segment, at: time, into: &events)
        return events
    }

    /// Ends the capture: flushes buffered data (with gaps) and closes every open connection, in
    /// the order the connections were opened.
    public mutating func finish(at time: CaptureTimestamp? = nil, into events: inout [TCPStreamEvent]) {
        let time = time ?? self.lastTime
        let open = self.connections.filter { !$0.value.closed }.sorted { $0.value.serial < $1.value.serial }
        for (key, var connection) in open {
            self.close(&connection, reason: .captureEnded, time: time, into: &events)
            self.connections[key] = connection
        }
    }

    public mutating func finish(at time: CaptureTimestamp? = nil) -> [TCPStreamEvent] {
        var events: [TCPStreamEvent] = []
        self.finish(at: time, into: &events)
        return events
    }

    /// Whether a SYN belongs to the existing connection (a retransmitted SYN / SYN-ACK).
    private func continues(_ connection: Connection, with segment: TCPSegment) -> Bool {
        guard connection.id.initiatorKnown else { return false }
        let direction: StreamDirection = segment.source == connection.id.client ? .clientToServer : .serverToClient
        let state = connection[direction]
        return !state.started || state.initialSequence == segment.sequenceNumber
    }

    private mutating func open(for segment: TCPSegment, time: CaptureTimestamp, into events: inout [TCPStreamEvent]) -> Connection {
        let flags = segment.flags
        let id: ConnectionID
        if flags.contains(.syn), !flags.contains(.rst) {
            // A SYN-ACK comes from the server: the capture may have missed the SYN itself.
            id = flags.contains(.ack)
                ? ConnectionID(client: segment.destination, server: segment.source, initiatorKnown: true)
                : ConnectionID(client: segment.source, server: segment.destination, initiatorKnown: true)
        } else {
            id = ConnectionID(client: segment.source, server: segment.destination, initiatorKnown: false)
        }
        self.nextSerial += 1
        events.append(.opened(id, time))
        return Connection(id: id, serial: self.nextSerial)
    }

    private func handle(_ segment: TCPSegment, in connection: inout Connection, time: CaptureTimestamp, into events: inout [TCPStreamEvent]) {
        let direction: StreamDirection = segment.source == connection.id.client ? .clientToServer : .serverToClient
        let stream = connection.stream(direction)
        let flags = segment.flags
        var state = connection[direction]
        connection[direction] = StreamState()  // keep `state` uniquely referenced while mutating

        if !state.started {
            state.started = true
            if flags.contains(.syn) {
                state.initialSequence = segment.sequenceNumber
                state.nextSequence = segment.sequenceNumber &+ 1
            } else {
                state.nextSequence = segment.sequenceNumber
            }
            events.append(.streamStarted(stream, startedMidStream: !flags.contains(.syn), time))
        }

        if flags.contains(.rst) {
            connection[direction] = state
            self.close(&connection, reason: .reset, time: time, into: &events)
            return
        }

        // SYN consumes one sequence number before any (TCP Fast Open) data.
        let dataSequence = flags.contains(.syn) ? segment.sequenceNumber &+ 1 : segment.sequenceNumber
        let offset = state.offset(ofSequence: dataSequence)
        if !state.finished {
            state.receive(segment.payload, at: offset, stream: stream, time: time, configuration: self.configuration, into: &events)
        }
        if flags.contains(.fin), state.finOffset == nil {
            state.finOffset = offset + Int64(segment.payload.readableBytes)
        }
        state.checkFinished(stream: stream, time: time, into: &events)
        connection[direction] = state

        if flags.contains(.ack) {
            let reverse = direction.reversed
            var other = connection[reverse]
            connection[reverse] = StreamState()
            if !other.started, flags.contains(.syn) {
                // SYN-ACK without a captured SYN: its acknowledgement is the client's first byte.
                other.started = true
                other.initialSequence = segment.acknowledgementNumber &- 1
                other.nextSequence = segment.acknowledgementNumber
                events.append(.streamStarted(connection.stream(reverse), startedMidStream: false, time))
            }
            other.acknowledged(upTo: segment.acknowledgementNumber, stream: connection.stream(reverse), time: time, into: &events)
            connection[reverse] = other
        }

        if connection.clientToServer.finished, connection.serverToClient.finished {
            connection.closed = true
            events.append(.closed(connection.id, .fin, time))
        }
    }

    private func close(_ connection: inout Connection, reason: CloseReason, time: CaptureTimestamp, into events: inout [TCPStreamEvent]) {
        for direction in StreamDirection.allCases {
            var state = connection[direction]
            connection[direction] = StreamState()
            state.flushAll(stream: connection.stream(direction), time: time, into: &events)
            state.pending = []
            state.pendingBytes = 0
            connection[direction] = state
        }
        connection.closed = true
        events.append(.closed(connection.id, reason, time))
    }
}
