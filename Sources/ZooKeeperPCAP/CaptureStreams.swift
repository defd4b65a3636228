import NIOCore

/// Everything a capture decoder needs from one capture file: the stream events plus the
/// bookkeeping that says how complete they are.
public struct CaptureStreamsResult: Sendable {
    /// Reassembler events, in capture-time order, ending with `.closed` for every connection.
    public var events: [TCPStreamEvent]
    public var format: CaptureFileReader.Format
    /// Packet records read from the file.
    public var packetCount: Int
    /// Packets decoded as TCP and fed to the reassembler.
    public var tcpSegmentCount: Int
    /// Packets that were not TCP or could not be decoded, by reason.
    public var skipped: [SkipReason: Int]
    /// Why reading stopped before the end of the file (a truncated tail or a malformed block);
    /// `events` cover every packet before that point.
    public var readError: CaptureError?

    /// Number of skipped packets that might have carried TCP data.
    public var possiblyLostTCPPacketCount: Int {
        self.skipped.filter { $0.key.mayHaveBeenTCP }.values.reduce(0, +)
    }

    /// Number of `.gap` events, i.e. holes in the reassembled streams.
    public var gapCount: Int {
        self.events.reduce(0) { count, event in
            if case .gap = event { return count + 1 }
            return count
        }
    }
}

extension CaptureStreamsResult {
    /// The statistics of a stream with the events it delivered.
    public init(statistics: CaptureStreamStatistics, events: [TCPStreamEvent]) {
        self.init(
            events: events, format: statistics.format, packetCount: statistics.packetCount,
            tcpSegmentCount: statistics.tcpSegmentCount, skipped: statistics.skipped, readError: statistics.readError
        )
    }
}

/// One-call paths from capture file bytes to TCP stream events, shared by the CLI and tests.
public enum CaptureStreams {
    /// Reads every packet, orders them by timestamp (stable, so equal times keep file order;
    /// pcapng interfaces may interleave out of order), decodes TCP and reassembles, collecting
    /// every event. `reordering` bounds how far out of order packets may be; by default
    /// unbounded, i.e. a full sort of the file's packets.
    ///
    /// Throws only if the bytes are not a readable capture file at all.
    public static func events(
        fromCaptureFile bytes: ByteBuffer,
        configuration: TCPReassembler.Configuration = .init(),
        reordering: PacketReordering = .unbounded
    ) throws(CaptureError) -> CaptureStreamsResult {
        var events: [TCPStreamEvent] = []
        let statistics = try self.forEachEvent(inCaptureFile: bytes, configuration: configuration, reordering: reordering) {
            events.append($0)
        }
        return CaptureStreamsResult(statistics: statistics, events: events)
    }

    public static func events(
        fromCaptureFile bytes: [UInt8],
        configuration: TCPReassembler.Configuration = .init(),
        reordering: PacketReordering = .unbounded
    ) throws(CaptureError) -> CaptureStreamsResult {
        try self.events(fromCaptureFile: ByteBuffer(bytes: bytes), configuration: configuration, reordering: reordering)
    }

    /// Streams a capture file's events to `body` as the packets are read, holding nothing but
    /// the reordering window and the reassembler's out-of-order segments.
    ///
    /// `progress` gets the fraction of the file read, about every 1% and once with 1 at the end.
    /// Throws only if the bytes are not a readable capture file at all; a damaged tail ends the
    /// stream and is reported in the statistics' `readError`.
    public static func forEachEvent(
        inCaptureFile bytes: ByteBuffer,
        configuration: TCPReassembler.Configuration = .init(),
        reordering: PacketReordering = .default,
        progress: ((Double) -> Void)? = nil,
        _ body: (TCPStreamEvent) -> Void
    ) throws(CaptureError) -> CaptureStreamStatistics {
        var stream = try CaptureEventStream(captureFile: bytes, configuration: configuration, reordering: reordering)
        var reporter = ProgressReporter(totalBytes: bytes.readableBytes, progress: progress)
        var events: [TCPStreamEvent] = []
        while stream.next(into: &events) {
            for event in events {
                body(event)
            }
            events.removeAll(keepingCapacity: true)
            reporter.update(bytesRead: stream.bytesRead)
        }
        reporter.finish()
        return stream.statistics
    }
}

/// Calls a progress callback about every 1% of a file, with an integer comparison per packet.
public struct ProgressReporter {
    private let totalBytes: Int
    private let progress: ((Double) -> Void)?
    private var nextReport: Int

    public init(totalBytes: Int, progress: ((Double) -> Void)?) {
        self.totalBytes = max(1, totalBytes)
        self.progress = progress
        self.nextReport = progress == nil ? .max : self.totalBytes / 100
    }

    @inline(__always)
    public mutating func update(bytesRead: Int) {
        guard bytesRead >= self.nextReport, let progress = self.progress else { return }
        progress(min(1, Double(bytesRead) / Double(self.totalBytes)))
        self.nextReport = bytesRead + max(1, self.totalBytes / 100)
    }

    /// Reports completion (once, and only if there is a callback).
    public mutating func finish() {
        self.progress?(1)
        self.nextReport = .max
    }
}
