import Foundation
import NIOCore
import Testing
import ZooKeeperPCAP

@Suite("Capture file to stream events")
struct CaptureStreamsTests {
    static func tcp(fromClient: Bool, seq: UInt32, ack: UInt32, flags: TCPFlags, _ text: String = "") -> [UInt8] {
        let segment = Build.tcp(
            sourcePort: fromClient ? 40_000 : 2181, destinationPort: fromClient ? 2181 : 40_000,
            seq: seq, ack: ack, flags: flags, payload: Array(text.utf8)
        )
        return Build.frame(segment, reversed: !fromClient)
    }

    @Test("whole pcap: sorted by time, non-TCP counted, truncated tail reported")
    func endToEnd() throws {
        var file = PcapBuilder(endianness: .little, nanoseconds: true)
        file.packet(seconds: 10, fraction: 1, data: Self.tcp(fromClient: true, seq: 100, ack: 0, flags: .syn))
        file.packet(seconds: 10, fraction: 2, data: Self.tcp(fromClient: false, seq: 700, ack: 101, flags: [.syn, .ack]))
        file.packet(seconds: 10, fraction: 3, data: Self.tcp(fromClient: true, seq: 101, ack: 701, flags: .ack))
        // Written out of order: the reply is stamped after the request that follows it in the file.
        file.packet(seconds: 10, fraction: 6, data: Self.tcp(fromClient: false, seq: 701, ack: 106, flags: [.psh, .ack], "imok"))
        file.packet(seconds: 10, fraction: 5, data: Self.tcp(fromClient: true, seq: 101, ack: 701, flags: [.psh, .ack], "ruok!"))
        file.packet(seconds: 10, fraction: 7, data: Build.ethernet(etherType: 0x0800, payload: Build.ipv4(protocolNumber: 17, payload: [0, 1, 0, 2, 0, 8, 0, 0])))
        file.packet(seconds: 10, fraction: 8, data: Build.ethernet(etherType: 0x0806, payload: [0, 1, 8, 0, 6, 4]))
        let complete = file.bytes.count
        file.packet(seconds: 10, fraction: 9, data: Self.tcp(fromClient: true, seq: 106, ack: 705, flags: [.fin, .ack]))
        let bytes = Array(file.bytes[..<(complete + 20)])

        let result = try CaptureStreams.events(fromCaptureFile: bytes)
        #expect(result.format == .pcap)
        #expect(result.packetCount == 7)
        #expect(result.tcpSegmentCount == 5)
        #expect(result.skipped == [.notTCP(protocolNumber: 17): 1, .notIP: 1])
        #expect(result.possiblyLostTCPPacketCount == 0)
        #expect(result.readError?.kind == .truncated)
        #expect(result.gapCount == 0)
        #expect(result.events.map(Conversation.render) == [
            "opened 10.0.0.1:40000 -> 10.0.0.2:2181 @10",
            "start c>s",
            "start s>c",
            "c>s ruok! @10",
            "s>c imok @10",
            "closed captureEnded",
        ])
        let times = result.events.map(\.time)
        #expect(times == times.sorted())
        guard case .data(_, _, let requestTime) = result.events[3] else {
            Issue.record("expected data")
            return
        }
        #expect(requestTime == CaptureTimestamp(seconds: 10, nanoseconds: 5))
    }

    @Test("not a capture file throws")
    func notACapture() {
        #expect(throws: CaptureError.self) { try CaptureStreams.events(fromCaptureFile: Array("hello, world".utf8)) }
    }

    /// Deterministic xorshift generator so failures reproduce.
    struct Random {
        var state: UInt64

        mutating func next() -> UInt64 {
            self.state ^= self.state << 13
            self.state ^= self.state >> 7
            self.state ^= self.state << 17
            return self.state
        }

        mutating func below(_ bound: Int) -> Int {
            Int(self.next() % UInt64(max(bound, 1)))
        }
    }

    @Test("corrupted files and frames never trap")
    func corruptionNeverTraps() {
        var pcap = PcapBuilder(endianness: .big)
        var ng = PcapNGBuilder()
        ng.sectionHeader(endianness: .little)
        ng.interface(linkType: 1, tsresol: 9)
        ng.interface(linkType: 276)
        for index in 0..<6 {
            let frame = Self.tcp(fromClient: index % 2 == 0, seq: UInt32(index * 10), ack: 1, flags: .ack, "0123456789")
            pcap.packet(seconds: UInt32(index), fraction: 0, data: frame)
            ng.enhancedPacket(interface: 0, ticks: UInt64(index), data: frame)
            ng.simplePacket(data: Array(frame.prefix(30)))
        }
        var random = Random(state: 0x9E37_79B9_7F4A_7C15)
        for original in [pcap.bytes, ng.bytes] {
            for _ in 0..<400 {
                var bytes = original
                for _ in 0...random.below(8) {
                    bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
                }
                if random.below(3) == 0 {
                    bytes = Array(bytes.prefix(random.below(bytes.count)))
                }
                _ = try? CaptureStreams.events(fromCaptureFile: bytes)
            }
        }
        let linkTypes: [LinkType] = [.null, .ethernet, .raw, .loop, .linuxSLL, .linuxSLL2, .ipv4, .ipv6]
        for _ in 0..<3000 {
            var frame = random.below(2) == 0
                ? Build.sll2(protocolType: 0x86DD, payload: Build.ipv6(extensions: [(0, [0, 0, 0, 0, 0, 0])], payload: Build.tcp(sourcePort: 1, destinationPort: 2, seq: 3, flags: .ack)))
                : Self.tcp(fromClient: true, seq: 1, ack: 1, flags: .ack, "x")
            for _ in 0...random.below(6) {
                frame[random.below(frame.count)] = UInt8(truncatingIfNeeded: random.next())
            }
            frame = Array(frame.prefix(random.below(frame.count + 1)))
            _ = PacketDecoder.tcpSegment(inFrame: ByteBuffer(bytes: frame), linkType: linkTypes[random.below(linkTypes.count)])
        }
    }

    /// The repository's `captures/` folder, found from this source file so no machine path is needed.
    static var capturesFolder: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // ZooKeeperPCAPTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .appendingPathComponent("captures", isDirectory: true)
    }

    static func recordedCaptures() -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: self.capturesFolder, includingPropertiesForKeys: nil) else {
            return []
        }
        return enumerator.compactMap { $0 as? URL }
            .filter { ["pcap", "pcapng"].contains($0.pathExtension) }
            .sorted { $0.path < $1.path }
    }

    /// Real captures of Java ZooKeeper (recorded by captures/record.sh, which rejects kernel drops
    /// and lost segments) must decode completely. Passes vacuously while none are recorded.
    @Test("recorded captures reassemble without gaps or skipped TCP packets")
    func recordedCapturesReassemble() throws {
        for url in Self.recordedCaptures() {
            let name = url.lastPathComponent
            let data = try Data(contentsOf: url)
            let result = try CaptureStreams.events(fromCaptureFile: [UInt8](data))
            #expect(result.readError == nil, "\(name): \(String(describing: result.readError))")
            #expect(result.packetCount > 0, "\(name) has no packets")
            #expect(result.tcpSegmentCount > 0, "\(name) has no TCP segments")
            #expect(result.possiblyLostTCPPacketCount == 0, "\(name) skipped: \(result.skipped)")
            #expect(result.gapCount == 0, "\(name) has stream gaps")
        }
    }
}
