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

/// One-call path from capture file bytes to TCP stream events, shared by the CLI and tests.
public enum CaptureStreams {
    /// Reads every packet, orders them by timestamp (stable, so equal times keep file order;
    /// pcapng interfaces may interleave out of order), decodes TCP and reassembles.
    ///
    /// Throws only if the bytes are not a readable capture file at all.
    public static func events(
        fromCaptureFile bytes: ByteBuffer,
        configuration: TCPReassembler.Configuration = .init()
    ) throws(CaptureError) -> CaptureStreamsResult {
        var reader = try CaptureFileReader(bytes)
        var packets: [CapturedPacket] = []
        var readError: CaptureError?
        do {
            while let packet = try reader.next() {
                packets.append(packet)
            }
            readError = reader.truncation
        } catch {
            readError = error
        }

        let order = packets.indices.sorted { lhs, rhs in
            let (a, b) = (packets[lhs].timestamp, packets[rhs].timestamp)
            return a != b ? a < b : lhs < rhs
        }

        var reassembler = TCPReassembler(configuration: configuration)
        var result = CaptureStreamsResult(
            events: [], format: reader.format, packetCount: packets.count, tcpSegmentCount: 0, skipped: [:], readError: readError
        )
        for index in order {
            let packet = packets[index]
            switch PacketDecoder.tcpSegment(in: packet) {
            case .success(let segment):
                result.tcpSegmentCount += 1
                reassembler.process(segment, at: packet.timestamp, into: &result.events)
            case .failure(let reason):
                result.skipped[reason, default: 0] += 1
            }
        }
        reassembler.finish(into: &result.events)
        return result
    }

    public static func events(
        fromCaptureFile bytes: [UInt8],
        configuration: TCPReassembler.Configuration = .init()
    ) throws(CaptureError) -> CaptureStreamsResult {
        try self.events(fromCaptureFile: ByteBuffer(bytes: bytes), configuration: configuration)
    }
}
