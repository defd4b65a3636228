import Foundation
import NIOCore
import Testing
import ZooKeeperPCAP

@Suite("Streaming a capture file's events")
struct CaptureEventStreamTests {
    /// The file of `CaptureStreamsTests.endToEnd`: a reply stamped before the request that
    /// follows it in the file, a UDP and an ARP packet, and a truncated last record.
    static func outOfOrderFile() -> [UInt8] {
        let tcp = CaptureStreamsTests.tcp
        var file = PcapBuilder(endianness: .little, nanoseconds: true)
        file.packet(seconds: 10, fraction: 1, data: tcp(true, 100, 0, .syn, ""))
        file.packet(seconds: 10, fraction: 2, data: tcp(false, 700, 101, [.syn, .ack], ""))
        file.packet(seconds: 10, fraction: 3, data: tcp(true, 101, 701, .ack, ""))
        file.packet(seconds: 10, fraction: 6, data: tcp(false, 701, 106, [.psh, .ack], "imok"))
        file.packet(seconds: 10, fraction: 5, data: tcp(true, 101, 701, [.psh, .ack], "ruok!"))
        file.packet(seconds: 10, fraction: 7, data: Build.ethernet(etherType: 0x0800, payload: Build.ipv4(protocolNumber: 17, payload: [0, 1, 0, 2, 0, 8, 0, 0])))
        file.packet(seconds: 10, fraction: 8, data: Build.ethernet(etherType: 0x0806, payload: [0, 1, 8, 0, 6, 4]))
        let complete = file.bytes.count
        file.packet(seconds: 10, fraction: 9, data: tcp(true, 106, 705, [.fin, .ack], ""))
        return Array(file.bytes[..<(complete + 20)])
    }

    @Test("within the window, streaming gives the whole-file events and statistics")
    func sameAsWholeFile() throws {
        let bytes = ByteBuffer(bytes: Self.outOfOrderFile())
        let whole = try CaptureStreams.events(fromCaptureFile: bytes)
        var streamed: [TCPStreamEvent] = []
        let statistics = try CaptureStreams.forEachEvent(inCaptureFile: bytes) { streamed.append($0) }
        #expect(streamed == whole.events)
        #expect(statistics.packetCount == whole.packetCount && statistics.tcpSegmentCount == whole.tcpSegmentCount)
        #expect(statistics.skipped == whole.skipped && statistics.readError == whole.readError)
        #expect(statistics.gapCount == 0 && statistics.latePacketCount == 0)
    }

    @Test("beyond the window, a late packet is counted and processed in file order")
    func latePacket() throws {
        let bytes = ByteBuffer(bytes: Self.outOfOrderFile())
        var events: [TCPStreamEvent] = []
        let statistics = try CaptureStreams.forEachEvent(inCaptureFile: bytes, reordering: .none) { events.append($0) }
        #expect(statistics.latePacketCount == 1)
        // The reply comes first, and its ACK covers the request not seen yet: those bytes
        // become a gap, and the request arriving after it is a retransmission of nothing new.
        #expect(events.map(Conversation.render).filter { $0.hasPrefix("c>s") || $0.hasPrefix("s>c") } == ["s>c imok @10", "c>s gap 5"])
    }

    @Test("a delay window orders packets that are close enough in time")
    func delayWindow() throws {
        let bytes = ByteBuffer(bytes: Self.outOfOrderFile())
        let window = PacketReordering(maxDelayNanoseconds: 5, maxHeldPackets: 1000)
        var events: [TCPStreamEvent] = []
        let statistics = try CaptureStreams.forEachEvent(inCaptureFile: bytes, reordering: window) { events.append($0) }
        #expect(statistics.latePacketCount == 0)
        #expect(events == (try CaptureStreams.events(fromCaptureFile: bytes)).events)
    }

    @Test("progress rises to 1 in about 1% steps")
    func progress() throws {
        for url in CaptureStreamsTests.recordedCaptures() {
            let bytes = ByteBuffer(bytes: try Data(contentsOf: url))
            var reports: [Double] = []
            _ = try CaptureStreams.forEachEvent(inCaptureFile: bytes, progress: { reports.append($0) }) { _ in }
            #expect(reports.last == 1)
            #expect(reports == reports.sorted() && reports.allSatisfy { (0...1).contains($0) })
            #expect(reports.count <= 102, "\(url.lastPathComponent): \(reports.count) reports")
        }
    }

    @Test("recorded captures stream the same events as the whole-file read")
    func recordedCaptures() throws {
        for url in CaptureStreamsTests.recordedCaptures() {
            let bytes = ByteBuffer(bytes: try Data(contentsOf: url))
            var stream = try CaptureEventStream(captureFile: bytes)
            var events: [TCPStreamEvent] = []
            while stream.next(into: &events) {}
            #expect(events == (try CaptureStreams.events(fromCaptureFile: bytes)).events, "\(url.lastPathComponent)")
            #expect(stream.fractionRead == 1 && stream.statistics.latePacketCount == 0)
        }
    }
}
