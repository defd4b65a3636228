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
        var output: [DecodedMessage] = []
        var session = DecodingSession(decoder: self)
        for event in events {
            session.process(event, into: &output)
        }
        return output
    }
}

/// A decoded capture: the messages and what the capture layer reported.
public struct CaptureDecoding: Sendable {
    public var streams: CaptureStreamsResult
    public var messages: [DecodedMessage]
}

/// The connections being decoded, fed one reassembler event at a time.
struct DecodingSession {
    let decoder: CaptureDecoder
    var connections: [ConnectionID: ConnectionState] = [:]

    init(decoder: CaptureDecoder) {
        self.decoder = decoder
    }

    mutating func process(_ event: TCPStreamEvent, into output: inout [DecodedMessage]) {
        switch event {
        case .opened(let id, _):
            connections[id] = ConnectionState(id: id, config: decoder)
        case .streamStarted(let stream, let midStream, _):
            withConnection(stream.connection) { $0.streamStarted(stream.direction, midStream: midStream) }
        case .data(let stream, let bytes, let time):
            withConnection(stream.connection) { $0.receive(bytes, on: stream.direction, at: time, into: &output) }
        case .gap(let stream, let missing, let time):
            withConnection(stream.connection) { $0.gap(missing, on: stream.direction, at: time, into: &output) }
        case .finished(let stream, let time):
            withConnection(stream.connection) { $0.finish(stream.direction, at: time, into: &output) }
        case .closed(let id, let reason, let time):
            if var state = connections.removeValue(forKey: id) {
                state.close(reason, at: time, into: &output)
            }
        }
    }

    private mutating func withConnection(_ id: ConnectionID, _ body: (inout ConnectionState) -> Void) {
        body(&connections[id, default: ConnectionState(id: id, config: decoder)])
    }
}
