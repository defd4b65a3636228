import NIOCore

/// What reading a capture file reported besides its stream events.
public struct CaptureStreamStatistics: Sendable, Equatable {
    public var format: CaptureFileReader.Format
    /// Packet records read from the file.
    public var packetCount = 0
    /// Packets decoded as TCP and fed to the reassembler.
    public var tcpSegmentCount = 0
    /// Packets that were not TCP or could not be decoded, by reason.
    public var skipped: [SkipReason: Int] = [:]
    /// Why reading stopped before the end of the file (a truncated tail or a malformed block);
    /// the events cover every packet before that point.
    public var readError: CaptureError?
    /// Number of `.gap` events, i.e. holes in the reassembled streams.
    public var gapCount = 0
    /// Packets further out of time order than the reordering window, processed in file order.
    public var latePacketCount = 0

    public init(format: CaptureFileReader.Format) {
        self.format = format
    }

    /// Number of skipped packets that might have carried TCP data.
    public var possiblyLostTCPPacketCount: Int {
        self.skipped.filter { $0.key.mayHaveBeenTCP }.values.reduce(0, +)
    }
}

/// A capture file's TCP stream events, produced a packet at a time as the file is read.
///
/// Nothing is collected: memory is the file's bytes, the reordering window, and each
/// connection's out-of-order segments. Events come in the order `TCPReassembler` defines, for
/// packets in timestamp order within the `PacketReordering` window.
public struct CaptureEventStream {
    public private(set) var statistics: CaptureStreamStatistics
    /// The file's bytes, indexed from 0 as the records count.
    private let file: FileBytes
    private var slicer = PacketSlicer()
    private var reader: CaptureFileReader
    private var reassembler: TCPReassembler
    private var reorder: PacketReorderBuffer
    private var readingDone = false
    private var finished = false

    /// Throws only if the bytes are not a readable capture file at all.
    public init(
        captureFile bytes: ByteBuffer,
        configuration: TCPReassembler.Configuration = .init(),
        reordering: PacketReordering = .default
    ) throws(CaptureError) {
        self.file = FileBytes(bytes)
        self.reader = try CaptureFileReader(self.file.buffer)
        self.reassembler = TCPReassembler(configuration: configuration)
        self.reorder = PacketReorderBuffer(window: reordering)
        self.statistics = CaptureStreamStatistics(format: self.reader.format)
    }

    /// Fraction of the file read so far, 0...1.
    public var fractionRead: Double {
        let total = self.reader.totalBytes
        return total == 0 || self.readingDone ? 1 : Double(self.reader.bytesConsumed) / Double(total)
    }

    /// Bytes of the file read so far.
    public var bytesRead: Int { self.reader.bytesConsumed }

    /// Appends the events of the next packet (possibly none, e.g. for a pure ACK or a packet
    /// held for reordering); at the end of the file, the events closing every connection.
    /// Returns false, appending nothing, once everything has been delivered.
    public mutating func next(into events: inout [TCPStreamEvent]) -> Bool {
        guard !self.finished else { return false }
        let before = events.count
        defer { self.countGaps(in: events[before...]) }
        while !self.readingDone {
            if let packet = self.read() {
                if let late = self.reorder.hold(packet) {
                    self.statistics.latePacketCount = self.reorder.lateCount
                    self.process(late, into: &events)
                    return true
                }
                if let ready = self.reorder.release() {
                    self.process(ready, into: &events)
                    return true
                }
            }
        }
        if let held = self.reorder.release(draining: true) {
            self.process(held, into: &events)
            return true
        }
        self.reassembler.finish(into: &events)
        self.finished = true
        return true
    }

    /// The next packet of the file; at its end (or a read error) nil, with `readingDone` set.
    private mutating func read() -> PacketRecord? {
        do {
            if let packet = try self.reader.nextRecord() {
                self.statistics.packetCount += 1
                return packet
            }
            self.statistics.readError = self.reader.truncation
        } catch {
            self.statistics.readError = error
        }
        self.readingDone = true
        return nil
    }

    private mutating func process(_ packet: PacketRecord, into events: inout [TCPStreamEvent]) {
        // The common case without a `Result` around the segment: it would be copied out and destroyed.
        if let segment = PacketDecoder.commonCaseTCPSegment(in: packet, of: self.file, slicer: &self.slicer) {
            self.statistics.tcpSegmentCount += 1
            self.reassembler.process(segment, at: packet.timestamp, into: &events)
            return
        }
        let frame = CapturedPacket(
            timestamp: packet.timestamp, linkType: packet.linkType,
            data: self.slicer.slice(of: self.file, at: packet.dataStart, length: packet.dataLength) ?? ByteBuffer(),
            originalLength: packet.originalLength, interfaceIndex: packet.interfaceIndex)
        switch PacketDecoder.tcpSegment(in: frame) {
        case .success(let segment):
            self.statistics.tcpSegmentCount += 1
            self.reassembler.process(segment, at: packet.timestamp, into: &events)
        case .failure(let reason):
            self.statistics.skipped[reason, default: 0] += 1
        }
    }

    private mutating func countGaps(in events: ArraySlice<TCPStreamEvent>) {
        for event in events {
            if case .gap = event { self.statistics.gapCount += 1 }
        }
    }
}
