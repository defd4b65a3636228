import NIOCore

/// Identifies a TCP connection by its two endpoints and, when the handshake was captured, by
/// which side initiated it.
///
/// When `initiatorKnown` is false (the capture began mid-connection), `client` is merely the
/// sender of the first captured segment; callers should decide the roles themselves, e.g. by
/// well-known server port.
public struct ConnectionID: Sendable, Hashable, CustomStringConvertible {
    public var client: TCPEndpoint
    public var server: TCPEndpoint
    /// True when a SYN or SYN-ACK was captured, so `client` really sent the first SYN.
    public var initiatorKnown: Bool

    public init(client: TCPEndpoint, server: TCPEndpoint, initiatorKnown: Bool) {
        self.client = client
        self.server = server
        self.initiatorKnown = initiatorKnown
    }

    // One word for the hasher: decoders look connections up by ID for every event.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.client.hashWord &* 0x9E37_79B9_7F4A_7C15 ^ self.server.hashWord ^ (self.initiatorKnown ? 1 : 0))
    }

    public var description: String {
        "\(self.client) \(self.initiatorKnown ? "->" : "<?>") \(self.server)"
    }
}

/// Which half of a connection a byte stream is.
public enum StreamDirection: Sendable, Hashable, CaseIterable {
    case clientToServer
    case serverToClient

    public var reversed: StreamDirection {
        self == .clientToServer ? .serverToClient : .clientToServer
    }
}

/// One direction of one connection: the unit in which bytes are delivered in order.
public struct StreamID: Sendable, Hashable, CustomStringConvertible {
    public var connection: ConnectionID
    public var direction: StreamDirection

    public init(connection: ConnectionID, direction: StreamDirection) {
        self.connection = connection
        self.direction = direction
    }

    public var source: TCPEndpoint {
        self.direction == .clientToServer ? self.connection.client : self.connection.server
    }

    public var destination: TCPEndpoint {
        self.direction == .clientToServer ? self.connection.server : self.connection.client
    }

    public var description: String {
        "\(self.source) > \(self.destination)"
    }
}

/// Why a connection's events ended.
public enum CloseReason: Sendable, Hashable {
    /// Both directions delivered their FIN in order.
    case fin
    /// A RST was seen.
    case reset
    /// `TCPReassembler.finish()` was called with the connection still open.
    case captureEnded
    /// A new SYN reused the same endpoints, so this older connection is over.
    case superseded
}

/// What the reassembler reports, in the order callers must process it.
public enum TCPStreamEvent: Sendable, Equatable {
    /// First segment of a new connection (SYN, SYN-ACK, or whatever was captured first).
    case opened(ConnectionID, CaptureTimestamp)
    /// First segment of one direction. `startedMidStream` means its first bytes need not be
    /// at a message boundary, so a decoder has to resynchronise.
    case streamStarted(StreamID, startedMidStream: Bool, CaptureTimestamp)
    /// The next bytes of a stream, contiguous with the previous `.data` unless a `.gap` came between.
    case data(StreamID, ByteBuffer, CaptureTimestamp)
    /// Bytes that were never captured and never will be; the next `.data` follows them.
    case gap(StreamID, bytesMissing: UInt64, CaptureTimestamp)
    /// The stream's FIN was reached in order: no more data in this direction.
    case finished(StreamID, CaptureTimestamp)
    /// The connection is over; no more events for this `ConnectionID` until it is opened again.
    case closed(ConnectionID, CloseReason, CaptureTimestamp)

    public var time: CaptureTimestamp {
        switch self {
        case .opened(_, let time), .streamStarted(_, _, let time), .data(_, _, let time),
            .gap(_, _, let time), .finished(_, let time), .closed(_, _, let time):
            return time
        }
    }

    public var connection: ConnectionID {
        switch self {
        case .opened(let id, _), .closed(let id, _, _): return id
        case .streamStarted(let stream, _, _), .data(let stream, _, _), .gap(let stream, _, _), .finished(let stream, _):
            return stream.connection
        }
    }
}
