import NIOCore

/// Reassembly state of one direction of a connection.
///
/// Sequence numbers are mapped to 64-bit stream offsets relative to the next expected byte
/// (`delivered` <-> `nextSequence`), which makes 32-bit wraparound a non-event.
struct StreamState: Sendable {
    struct Pending: Sendable {
        var offset: Int64
        var bytes: ByteBuffer

        var end: Int64 { self.offset + Int64(self.bytes.readableBytes) }
    }

    var started = false
    var initialSequence: UInt32?
    /// Sequence number of the byte at offset `delivered`.
    var nextSequence: UInt32 = 0
    /// Stream offset of the next byte to deliver; everything before it has been emitted.
    var delivered: Int64 = 0
    /// Out-of-order segments, sorted by offset.
    var pending: [Pending] = []
    var pendingBytes = 0
    /// Stream offset of the FIN (the sequence number it consumes), once seen.
    var finOffset: Int64?
    var finished = false

    /// The first segment seen in this direction: a SYN's sequence number is the initial one,
    /// anything else is where the capture joined the stream.
    mutating func start(sequence: UInt32, isSYN: Bool) {
        self.started = true
        if isSYN {
            self.initialSequence = sequence
            self.nextSequence = sequence &+ 1
        } else {
            self.nextSequence = sequence
        }
    }

    func offset(ofSequence sequence: UInt32) -> Int64 {
        self.delivered + Int64(Int32(bitPattern: sequence &- self.nextSequence))
    }

    private mutating func advance(to offset: Int64) {
        self.nextSequence = self.nextSequence &+ UInt32(truncatingIfNeeded: offset - self.delivered)
        self.delivered = offset
    }

    /// Emits the part of `bytes` (at `offset`) not delivered yet; `offset` must be <= `delivered`.
    private mutating func deliver(_ bytes: ByteBuffer, at offset: Int64, stream: StreamID, time: CaptureTimestamp, into events: inout [TCPStreamEvent]) {
        let end = offset + Int64(bytes.readableBytes)
        guard end > self.delivered else { return }
        let skip = Int(self.delivered - offset)
        if skip == 0 {
            events.append(.data(stream, bytes, time))  // the usual case: no overlap to cut off
        } else {
            guard let fresh = bytes.getSlice(at: bytes.readerIndex + skip, length: bytes.readableBytes - skip) else { return }
            events.append(.data(stream, fresh, time))
        }
        self.advance(to: end)
    }

    private mutating func drainContiguous(stream: StreamID, time: CaptureTimestamp, into events: inout [TCPStreamEvent]) {
        var taken = 0
        while taken < self.pending.count, self.pending[taken].offset <= self.delivered {
            let segment = self.pending[taken]
            self.pendingBytes -= segment.bytes.readableBytes
            self.deliver(segment.bytes, at: segment.offset, stream: stream, time: time, into: &events)
            taken += 1
        }
        if taken > 0 {
            self.pending.removeFirst(taken)
        }
    }

    /// Accepts payload bytes at a stream offset: delivers what is now contiguous, buffers the rest.
    mutating func receive(
        _ bytes: ByteBuffer, at offset: Int64, stream: StreamID, time: CaptureTimestamp,
        configuration: TCPReassembler.Configuration, into events: inout [TCPStreamEvent]
    ) {
        let length = bytes.readableBytes
        guard length > 0, offset + Int64(length) > self.delivered else { return }
        if offset <= self.delivered {
            self.deliver(bytes, at: offset, stream: stream, time: time, into: &events)
            self.drainContiguous(stream: stream, time: time, into: &events)
            return
        }
        let end = offset + Int64(length)
        // A retransmission of something already buffered adds nothing.
        if self.pending.contains(where: { $0.offset <= offset && $0.end >= end }) {
            return
        }
        let index = self.pending.firstIndex(where: { $0.offset > offset }) ?? self.pending.count
        self.pending.insert(Pending(offset: offset, bytes: bytes), at: index)
        self.pendingBytes += length
        // Bound memory: past the limit, the oldest hole is declared permanent.
        while !self.pending.isEmpty,
            self.pendingBytes > configuration.maxBufferedBytesPerStream
                || self.pending.count > configuration.maxBufferedSegmentsPerStream
        {
            self.skip(to: self.pending[0].offset, stream: stream, time: time, into: &events)
        }
    }

    /// Declares everything before `limit` that is not buffered as missing, emitting gaps and the
    /// buffered data in between, so the stream continues at `limit` (or later).
    mutating func skip(to limit: Int64, stream: StreamID, time: CaptureTimestamp, into events: inout [TCPStreamEvent]) {
        while self.delivered < limit {
            let target = min(limit, self.pending.first?.offset ?? limit)
            if target > self.delivered {
                events.append(.gap(stream, bytesMissing: UInt64(target - self.delivered), time))
                self.advance(to: target)
            }
            self.drainContiguous(stream: stream, time: time, into: &events)
        }
    }

    /// Flushes every buffered byte (and any hole before a seen FIN), used when no retransmission
    /// can come any more (RST, end of capture).
    mutating func flushAll(stream: StreamID, time: CaptureTimestamp, into events: inout [TCPStreamEvent]) {
        guard self.started else { return }
        var limit = self.pending.map(\.end).max() ?? self.delivered
        if let finOffset = self.finOffset {
            limit = max(limit, finOffset)
        }
        self.skip(to: limit, stream: stream, time: time, into: &events)
        self.checkFinished(stream: stream, time: time, into: &events)
    }

    /// The peer acknowledged up to `sequence`: bytes below it that were not captured never will be.
    mutating func acknowledged(upTo sequence: UInt32, stream: StreamID, time: CaptureTimestamp, into events: inout [TCPStreamEvent]) {
        guard self.started, !self.finished else { return }
        var limit = self.offset(ofSequence: sequence)
        if let finOffset = self.finOffset {
            // The FIN itself consumes a sequence number that carries no byte.
            limit = min(limit, finOffset)
        }
        guard limit > self.delivered else { return }
        self.skip(to: limit, stream: stream, time: time, into: &events)
        self.checkFinished(stream: stream, time: time, into: &events)
    }

    mutating func checkFinished(stream: StreamID, time: CaptureTimestamp, into events: inout [TCPStreamEvent]) {
        guard !self.finished, let finOffset = self.finOffset, self.delivered >= finOffset else { return }
        self.finished = true
        events.append(.finished(stream, time))
    }
}
