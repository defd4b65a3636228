import NIOCore
import Testing
import ZooKeeperPCAP

/// Drives a reassembler with segments between a client (10.0.0.1:40000) and a server
/// (10.0.0.2:2181) and renders events as short strings, so expectations read like a trace.
struct Conversation {
    static let client = TCPEndpoint(address: .ipv4(10, 0, 0, 1), port: 40_000)
    static let server = TCPEndpoint(address: .ipv4(10, 0, 0, 2), port: 2181)

    var reassembler: TCPReassembler
    var events: [TCPStreamEvent] = []
    var clock: Int64 = 0

    init(configuration: TCPReassembler.Configuration = .init()) {
        self.reassembler = TCPReassembler(configuration: configuration)
    }

    /// Sends a segment; `fromClient` picks the direction. Each call advances the clock by 1 s.
    mutating func send(fromClient: Bool, seq: UInt32, ack: UInt32? = nil, flags: TCPFlags = [], _ text: String = "") {
        self.clock += 1
        let segment = TCPSegment(
            source: fromClient ? Self.client : Self.server,
            destination: fromClient ? Self.server : Self.client,
            sequenceNumber: seq,
            acknowledgementNumber: ack ?? 0,
            flags: ack == nil ? flags : flags.union(.ack),
            payload: ByteBuffer(string: text)
        )
        self.reassembler.process(segment, at: CaptureTimestamp(seconds: self.clock, nanoseconds: 0), into: &self.events)
    }

    mutating func c(_ seq: UInt32, ack: UInt32? = nil, _ flags: TCPFlags = [], _ text: String = "") {
        self.send(fromClient: true, seq: seq, ack: ack, flags: flags, text)
    }

    mutating func s(_ seq: UInt32, ack: UInt32? = nil, _ flags: TCPFlags = [], _ text: String = "") {
        self.send(fromClient: false, seq: seq, ack: ack, flags: flags, text)
    }

    mutating func finish() {
        self.reassembler.finish(into: &self.events)
    }

    /// Renders and clears the events seen so far.
    mutating func take() -> [String] {
        defer { self.events = [] }
        return self.events.map(Self.render)
    }

    static func render(_ event: TCPStreamEvent) -> String {
        func name(_ stream: StreamID) -> String {
            stream.direction == .clientToServer ? "c>s" : "s>c"
        }
        switch event {
        case .opened(let id, let time):
            return "opened \(id) @\(time.seconds)"
        case .streamStarted(let stream, let mid, _):
            return "start \(name(stream))\(mid ? " mid" : "")"
        case .data(let stream, let bytes, let time):
            return "\(name(stream)) \(String(buffer: bytes)) @\(time.seconds)"
        case .gap(let stream, let missing, _):
            return "\(name(stream)) gap \(missing)"
        case .finished(let stream, _):
            return "\(name(stream)) fin"
        case .closed(_, let reason, _):
            return "closed \(reason)"
        }
    }
}

@Suite("TCP reassembly")
struct TCPReassemblerTests {
    @Test("handshake, data both ways, FIN both ways")
    func handshakeAndFin() {
        var t = Conversation()
        t.c(1000, [.syn])
        t.s(5000, ack: 1001, [.syn])
        t.c(1001, ack: 5001)
        t.c(1001, ack: 5001, [.psh], "hello")
        t.s(5001, ack: 1006, [.psh], "world!")
        t.c(1006, ack: 5007, [.fin])
        t.s(5007, ack: 1007, [.fin])
        t.c(1007, ack: 5008)  // last ACK after close: ignored
        #expect(t.take() == [
            "opened 10.0.0.1:40000 -> 10.0.0.2:2181 @1",
            "start c>s",
            "start s>c",
            "c>s hello @4",
            "s>c world! @5",
            "c>s fin",
            "s>c fin",
            "closed fin",
        ])
        #expect(t.reassembler.ignoredSegmentCount == 1)
        t.finish()
        #expect(t.take().isEmpty)
        #expect(t.reassembler.openConnectionCount == 0)
    }

    @Test("out-of-order segments wait for the gap to fill")
    func outOfOrder() {
        var t = Conversation()
        t.c(0, [.syn])
        t.c(1, ack: 1, [], "aa")
        t.c(7, ack: 1, [], "cc")
        t.c(5, ack: 1, [], "bb")  // still missing 3..<5
        t.c(3, ack: 1, [], "xy")
        t.c(9, ack: 1, [], "d")
        #expect(t.take() == [
            "opened 10.0.0.1:40000 -> 10.0.0.2:2181 @1", "start c>s",
            "c>s aa @2",
            "c>s xy @5", "c>s bb @5", "c>s cc @5",
            "c>s d @6",
        ])
    }

    @Test("retransmissions and overlapping segments deliver each byte once")
    func retransmissionsAndOverlap() {
        var t = Conversation()
        t.c(99, [.syn])
        t.c(100, [], "abcd")
        t.c(100, [], "abcd")  // exact duplicate
        t.c(102, [], "cdef")  // overlaps the delivered part
        t.c(110, [], "klm")  // out of order
        t.c(110, [], "kl")  // duplicate of buffered data
        t.c(104, [], "efghijklmn")  // fills the gap and overlaps both
        t.c(101, [], "b")  // old
        #expect(t.take() == [
            "opened 10.0.0.1:40000 -> 10.0.0.2:2181 @1", "start c>s",
            "c>s abcd @2",
            "c>s ef @4",
            "c>s ghijklmn @7",
        ])
    }

    @Test("sequence numbers wrap around 2^32")
    func wraparound() {
        var t = Conversation()
        let isn: UInt32 = 0xFFFF_FFFA
        t.c(isn, [.syn])
        t.c(isn &+ 1, [], "abc")  // ...FB, FC, FD
        t.c(2, [], "ij")  // after the wrap, arrives early
        t.c(isn &+ 4, [], "defg")  // FE, FF, 0, 1
        t.s(7, ack: 4)
        #expect(t.take() == [
            "opened 10.0.0.1:40000 -> 10.0.0.2:2181 @1", "start c>s",
            "c>s abc @2",
            "c>s defg @4", "c>s ij @4",
            "start s>c mid",
        ])
    }

    @Test("capture starting mid-connection")
    func midStream() {
        var t = Conversation()
        t.s(7000, ack: 300, [.psh], "tail-of-frame")
        t.c(300, ack: 7013, [.psh], "next")
        t.s(7013, ack: 304, [.psh], "more")
        #expect(t.take() == [
            "opened 10.0.0.2:2181 <?> 10.0.0.1:40000 @1",
            "start c>s mid",
            "c>s tail-of-frame @1",
            "start s>c mid",
            "s>c next @2",
            "c>s more @3",
        ])
    }

    @Test("SYN-ACK seen without SYN still identifies the client")
    func synAckFirst() {
        var t = Conversation()
        t.s(5000, ack: 1001, [.syn])
        t.c(1001, ack: 5001, [], "hi")
        #expect(t.take() == [
            "opened 10.0.0.1:40000 -> 10.0.0.2:2181 @1",
            "start s>c",
            "start c>s",
            "c>s hi @2",
        ])
    }

    @Test("a hole acknowledged by the peer is a permanent gap")
    func acknowledgedGap() {
        var t = Conversation()
        t.c(0, [.syn])
        t.s(0, ack: 1, [.syn])
        t.c(1, ack: 1, [], "ab")
        t.c(6, ack: 1, [], "fg")  // "cde" never captured
        t.s(1, ack: 3)  // peer acknowledges only what we saw: nothing happens
        t.s(1, ack: 8)  // peer has everything: the hole will never be filled
        t.c(3, ack: 1, [], "cde")  // too late, already skipped
        #expect(t.take() == [
            "opened 10.0.0.1:40000 -> 10.0.0.2:2181 @1", "start c>s", "start s>c",
            "c>s ab @3",
            "c>s gap 3", "c>s fg @6",
        ])
    }

    @Test("a hole before a FIN is reported once the FIN is acknowledged")
    func gapBeforeFin() {
        var t = Conversation()
        t.c(0, [.syn])
        t.s(0, ack: 1, [.syn])
        t.c(1, ack: 1, [], "ab")
        t.c(10, ack: 1, [.fin], "zz")  // 3..<10 missing
        t.s(1, ack: 13, [.fin])
        t.c(13, ack: 2)
        #expect(t.take() == [
            "opened 10.0.0.1:40000 -> 10.0.0.2:2181 @1", "start c>s", "start s>c",
            "c>s ab @3",
            "s>c fin",
            "c>s gap 7", "c>s zz @5", "c>s fin",
            "closed fin",
        ])
    }

    @Test("a hole that never fills is flushed at finish")
    func gapAtFinish() {
        var t = Conversation()
        t.c(0, [.syn])
        t.c(1, [], "ab")
        t.c(5, [], "ef")
        t.c(9, [], "ij")
        #expect(t.take().suffix(1) == ["c>s ab @2"])
        t.finish()
        #expect(t.take() == ["c>s gap 2", "c>s ef @4", "c>s gap 2", "c>s ij @4", "closed captureEnded"])
    }

    @Test("RST flushes buffered data and closes")
    func reset() {
        var t = Conversation()
        t.c(0, [.syn])
        t.c(1, [], "ab")
        t.c(4, [], "d")
        t.s(900, [.rst])
        t.c(5, [], "late")  // after the reset: ignored
        #expect(t.take() == [
            "opened 10.0.0.1:40000 -> 10.0.0.2:2181 @1", "start c>s",
            "c>s ab @2",
            "start s>c mid",
            "c>s gap 1", "c>s d @4",
            "closed reset",
        ])
        #expect(t.reassembler.ignoredSegmentCount == 1)
    }

    @Test("out-of-order buffering is bounded")
    func bufferLimit() {
        var t = Conversation(configuration: .init(maxBufferedBytesPerStream: 8, maxBufferedSegmentsPerStream: 3))
        t.c(0, [.syn])
        t.c(3, [], "cccc")  // offset 2, missing 0..<2
        t.c(9, [], "eeee")  // 8 bytes buffered
        #expect(t.take().count == 2)
        t.c(20, [], "g")  // 9 bytes > 8: the first hole becomes a gap
        #expect(t.take() == ["c>s gap 2", "c>s cccc @4"])
        t.c(30, [], "h")
        #expect(t.take().isEmpty)
        t.c(40, [], "i")  // 4 segments > 3
        #expect(t.take() == ["c>s gap 2", "c>s eeee @6"])
        t.c(50, [], "j")
        #expect(t.take() == ["c>s gap 7", "c>s g @7"])
    }

    @Test("a new SYN on the same endpoints starts a new connection")
    func portReuse() {
        var t = Conversation()
        t.c(10, [.syn])
        t.c(11, [], "one")
        t.c(14, [.fin, .rst])
        t.c(5000, [.syn])
        t.c(5001, [], "two")
        t.c(5000, [.syn])  // retransmitted SYN of the new connection
        t.c(9000, [.syn])  // yet another handshake supersedes the open one
        #expect(t.take() == [
            "opened 10.0.0.1:40000 -> 10.0.0.2:2181 @1", "start c>s", "c>s one @2", "closed reset",
            "opened 10.0.0.1:40000 -> 10.0.0.2:2181 @4", "start c>s", "c>s two @5",
            "closed superseded",
            "opened 10.0.0.1:40000 -> 10.0.0.2:2181 @7", "start c>s",
        ])
    }

    @Test("events carry stream endpoints")
    func streamEndpoints() throws {
        var t = Conversation()
        t.s(1, ack: 2, [], "x")
        guard case .data(let stream, _, let time) = t.events.last else {
            Issue.record("no data event")
            return
        }
        #expect(stream.source == Conversation.server)
        #expect(stream.destination == Conversation.client)
        #expect(stream.connection.initiatorKnown == false)
        #expect(time == CaptureTimestamp(seconds: 1, nanoseconds: 0))
        #expect(t.events.last?.connection == stream.connection)
    }
}

@Suite("TCP reassembly properties")
struct TCPReassemblerPropertyTests {
    /// Any delivery order with duplicates and overlaps, with no segment lost, must reproduce the
    /// stream exactly and report no gap; starting near 2^32 exercises wraparound too.
    @Test("shuffled, duplicated, overlapping segments reproduce the stream", arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func shuffledSegments(seed: UInt64) {
        var random = CaptureStreamsTests.Random(state: 0x2545_F491_4F6C_DD1D &* seed)
        let text = (0..<3000).map { _ in UInt8(ascii: "a") + UInt8(random.below(26)) }
        let isn = UInt32(truncatingIfNeeded: random.next()) | 0xFFFF_F000
        var segments: [(seq: UInt32, bytes: [UInt8])] = []
        var offset = 0
        while offset < text.count {
            let length = min(1 + random.below(120), text.count - offset)
            segments.append((isn &+ 1 &+ UInt32(offset), Array(text[offset..<offset + length])))
            // Overlapping retransmission spanning a segment boundary.
            if random.below(4) == 0, offset > 10 {
                let start = offset - 1 - random.below(10)
                let end = min(text.count, offset + length + random.below(30))
                segments.append((isn &+ 1 &+ UInt32(start), Array(text[start..<end])))
            }
            offset += length
        }
        segments += (0..<20).map { _ in segments[random.below(segments.count)] }
        for index in segments.indices.reversed() where index > 0 {
            segments.swapAt(index, random.below(index + 1))
        }
        var t = Conversation()
        t.c(isn, [.syn])
        for segment in segments {
            t.c(segment.seq, [], String(decoding: segment.bytes, as: UTF8.self))
        }
        t.finish()
        var output: [UInt8] = []
        for event in t.events {
            switch event {
            case .data(_, let bytes, _): output += Array(buffer: bytes)
            case .gap: Issue.record("unexpected gap")
            default: break
            }
        }
        #expect(output == text)
    }
}
