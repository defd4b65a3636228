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
    private struct Key: Equatable, Sendable {
        var low: TCPEndpoint
        var high: TCPEndpoint

        init(_ a: TCPEndpoint, _ b: TCPEndpoint) {
            if a < b {
                (self.low, self.high) = (a, b)
            } else {
                (self.low, self.high) = (b, a)
            }
        }

        /// The key as a `ConnectionTable` takes it.
        var tableKey: ConnectionID { ConnectionID(client: self.low, server: self.high, initiatorKnown: false) }
    }

    private struct Connection: Sendable {
        var id: ConnectionID
        var serial: Int
        var clientToServer = StreamState()
        var serverToClient = StreamState()
        var closed = false

        // `_modify` lets callers change one direction's state in place, without copying it
        // (and its buffered segments) out and back.
        subscript(direction: StreamDirection) -> StreamState {
            get { direction == .clientToServer ? self.clientToServer : self.serverToClient }
            _modify {
                if direction == .clientToServer {
                    yield &self.clientToServer
                } else {
                    yield &self.serverToClient
                }
            }
        }

        /// Whether `direction` has seen a segment, read without copying its state out (the
        /// subscript's getter would, with its buffered segments, for every packet).
        func started(_ direction: StreamDirection) -> Bool {
            direction == .clientToServer ? self.clientToServer.started : self.serverToClient.started
        }

        func stream(_ direction: StreamDirection) -> StreamID {
            StreamID(connection: self.id, direction: direction)
        }
    }

    public let configuration: Configuration
    /// Every connection seen, closed ones included (late segments for them are ignored), in
    /// an array so a segment's connection is changed in place; `slots` finds it by endpoints.
    private var connections: [Connection] = []
    private var slots = ConnectionTable()
    /// The last connection looked up: consecutive segments usually belong to the same one.
    private var lastLookup: (key: Key, slot: Int)?
    private var nextSerial = 0
    private var lastTime = CaptureTimestamp.zero
    /// Segments for connections already closed (late ACKs, retransmitted FINs); nothing to deliver.
    public private(set) var ignoredSegmentCount = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Number of connections currently tracked and not closed.
    public var openConnectionCount: Int {
        self.connections.reduce(0) { $0 + ($1.closed ? 0 : 1) }
    }

    private mutating func slot(for key: Key) -> Int? {
        if let last = self.lastLookup, last.key == key {
            return last.slot
        }
        guard let slot = self.slots[key.tableKey] else { return nil }
        self.lastLookup = (key, slot)
        return slot
    }

    /// Processes one segment, appending the resulting events.
    public mutating func process(_ segment: TCPSegment, at time: CaptureTimestamp, into events: inout [TCPStreamEvent]) {
        self.lastTime = max(self.lastTime, time)
        let key = Key(segment.source, segment.destination)
        let flags = segment.flags
        let isSYN = flags.contains(.syn) && !flags.contains(.rst)

        guard let slot = self.slot(for: key) else {
            let connection = self.open(for: segment, time: time, into: &events)
            self.slots.set(self.connections.count, for: key.tableKey)
            self.lastLookup = (key, self.connections.count)
            self.connections.append(connection)
            Self.handle(segment, in: &self.connections[self.connections.count - 1], configuration: self.configuration, time: time, into: &events)
            return
        }
        if !self.connections[slot].closed, isSYN, !Self.continues(self.connections[slot], with: segment) {
            // Same endpoints, new handshake: the old connection cannot receive anything more.
            Self.close(&self.connections[slot], reason: .superseded, time: time, into: &events)
        }
        if self.connections[slot].closed {
            guard isSYN else {
                self.ignoredSegmentCount += 1
                return
            }
            self.connections[slot] = self.open(for: segment, time: time, into: &events)
        }
        Self.handle(segment, in: &self.connections[slot], configuration: self.configuration, time: time, into: &events)
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
        let open = self.connections.indices.filter { !self.connections[$0].closed }
            .sorted { self.connections[$0].serial < self.connections[$1].serial }
        for slot in open {
            Self.close(&self.connections[slot], reason: .captureEnded, time: time, into: &events)
        }
    }

    public mutating func finish(at time: CaptureTimestamp? = nil) -> [TCPStreamEvent] {
        var events: [TCPStreamEvent] = []
        self.finish(at: time, into: &events)
        return events
    }

    /// Whether a SYN belongs to the existing connection (a retransmitted SYN / SYN-ACK).
    private static func continues(_ connection: Connection, with segment: TCPSegment) -> Bool {
        guard connection.id.initiatorKnown else { return false }
        let direction: StreamDirection = segment.source == connection.id.client ? .clientToServer : .serverToClient
        let initialSequence = direction == .clientToServer
            ? connection.clientToServer.initialSequence : connection.serverToClient.initialSequence
        return !connection.started(direction) || initialSequence == segment.sequenceNumber
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

    private static func handle(
        _ segment: TCPSegment, in connection: inout Connection, configuration: Configuration, time: CaptureTimestamp,
        into events: inout [TCPStreamEvent]
    ) {
        let direction: StreamDirection = segment.source == connection.id.client ? .clientToServer : .serverToClient
        let stream = connection.stream(direction)
        let flags = segment.flags

        if !connection.started(direction) {
            connection[direction].start(sequence: segment.sequenceNumber, isSYN: flags.contains(.syn))
            events.append(.streamStarted(stream, startedMidStream: !flags.contains(.syn), time))
        }

        if flags.contains(.rst) {
            Self.close(&connection, reason: .reset, time: time, into: &events)
            return
        }

        // SYN consumes one sequence number before any (TCP Fast Open) data.
        let dataSequence = flags.contains(.syn) ? segment.sequenceNumber &+ 1 : segment.sequenceNumber
        Self.receive(
            segment.payload, at: dataSequence, fin: flags.contains(.fin), in: &connection[direction],
            stream: stream, configuration: configuration, time: time, into: &events
        )

        if flags.contains(.ack) {
            let reverse = direction.reversed
            if !connection.started(reverse), flags.contains(.syn) {
                // SYN-ACK without a captured SYN: its acknowledgement is the client's first byte.
                connection[reverse].start(sequence: segment.acknowledgementNumber &- 1, isSYN: true)
                events.append(.streamStarted(connection.stream(reverse), startedMidStream: false, time))
            }
            connection[reverse].acknowledged(upTo: segment.acknowledgementNumber, stream: connection.stream(reverse), time: time, into: &events)
        }

        if connection.clientToServer.finished, connection.serverToClient.finished {
            connection.closed = true
            events.append(.closed(connection.id, .fin, time))
        }
    }

    private static func receive(
        _ payload: ByteBuffer, at sequence: UInt32, fin: Bool, in state: inout StreamState, stream: StreamID,
        configuration: Configuration, time: CaptureTimestamp, into events: inout [TCPStreamEvent]
    ) {
        let offset = state.offset(ofSequence: sequence)
        if !state.finished {
            state.receive(payload, at: offset, stream: stream, time: time, configuration: configuration, into: &events)
        }
        if fin, state.finOffset == nil {
            state.finOffset = offset + Int64(payload.readableBytes)
        }
        state.checkFinished(stream: stream, time: time, into: &events)
    }

    private static func close(_ connection: inout Connection, reason: CloseReason, time: CaptureTimestamp, into events: inout [TCPStreamEvent]) {
        for direction in StreamDirection.allCases {
            let stream = connection.stream(direction)
            connection[direction].flushAll(stream: stream, time: time, into: &events)
            connection[direction].pending = []
            connection[direction].pendingBytes = 0
        }
        connection.closed = true
        events.append(.closed(connection.id, reason, time))
    }
}
