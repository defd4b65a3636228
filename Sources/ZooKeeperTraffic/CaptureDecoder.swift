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

    /// Decodes a capture file as it is read, handing each message to `emit` as soon as it is
    /// complete; nothing is collected. Memory beyond the file's bytes is the reordering window,
    /// out-of-order TCP segments and each connection's undecoded bytes.
    ///
    /// Packets are taken in timestamp order within `reordering` (see `PacketReordering` for
    /// packets beyond it). `progress` gets the fraction of the file read, about every 1% and
    /// once with 1 at the end. Throws only if the bytes are not a capture file at all; a
    /// damaged tail ends decoding and is reported in the returned statistics' `readError`.
    public func decode(
        captureFile bytes: ByteBuffer,
        reordering: PacketReordering = .default,
        configuration: TCPReassembler.Configuration = .init(),
        progress: ((Double) -> Void)? = nil,
        emit: (DecodedMessage) -> Void
    ) throws(CaptureError) -> CaptureStreamStatistics {
        try self.run(bytes, reordering: reordering, configuration: configuration, progress: progress, event: { _ in }, emit: emit)
    }

    /// Reads a whole capture file, collecting every event and message. Packets are fully
    /// sorted by timestamp unless `reordering` bounds it.
    public func decode(captureFile bytes: ByteBuffer, reordering: PacketReordering = .unbounded) throws(CaptureError) -> CaptureDecoding {
        var events: [TCPStreamEvent] = []
        var messages: [DecodedMessage] = []
        let statistics = try self.run(
            bytes, reordering: reordering, configuration: .init(), progress: nil,
            event: { events.append($0) }, emit: { messages.append($0) }
        )
        return CaptureDecoding(streams: CaptureStreamsResult(statistics: statistics, events: events), messages: messages)
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

    private func run(
        _ bytes: ByteBuffer, reordering: PacketReordering, configuration: TCPReassembler.Configuration,
        progress: ((Double) -> Void)?, event: (TCPStreamEvent) -> Void, emit: (DecodedMessage) -> Void
    ) throws(CaptureError) -> CaptureStreamStatistics {
        var stream = try CaptureEventStream(captureFile: bytes, configuration: configuration, reordering: reordering)
        var session = DecodingSession(decoder: self)
        var reporter = ProgressReporter(totalBytes: bytes.readableBytes, progress: progress)
        // Reused for every packet: a packet yields a few events at most.
        var events: [TCPStreamEvent] = []
        withoutActuallyEscaping(emit) { emit in
            var sink = ClosureSink(emit: emit)
            while stream.next(into: &events) {
                // Moved out one by one (a packet yields a few events at most, so reversing is
                // cheap): iterating or subscripting the array would copy each event.
                events.reverse()
                while let item = events.popLast() {
                    event(item)
                    session.process(item, into: &sink)
                }
                reporter.update(bytesRead: stream.bytesRead)
            }
        }
        reporter.finish()
        return stream.statistics
    }
}

/// A decoded capture: the messages and what the capture layer reported.
public struct CaptureDecoding: Sendable {
    public var streams: CaptureStreamsResult
    public var messages: [DecodedMessage]
}
