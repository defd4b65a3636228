import NIOCore
import Testing
import ZooKeeperPCAP

@Suite("Capture file reading")
struct CaptureFileReaderTests {
    static let frameA = Build.frame(Build.tcp(sourcePort: 1, destinationPort: 2, seq: 1, flags: .ack, payload: Array("a".utf8)))
    static let frameB = Build.frame(Build.tcp(sourcePort: 1, destinationPort: 2, seq: 2, flags: .ack, payload: Array("bc".utf8)))

    static func readAll(_ bytes: [UInt8]) throws -> (packets: [CapturedPacket], reader: CaptureFileReader) {
        var reader = try CaptureFileReader(bytes: bytes)
        var packets: [CapturedPacket] = []
        while let packet = try reader.next() {
            packets.append(packet)
        }
        return (packets, reader)
    }

    @Test("classic pcap, microseconds, both byte orders", arguments: [Endianness.little, .big])
    func pcapMicroseconds(endianness: Endianness) throws {
        var file = PcapBuilder(endianness: endianness)
        file.packet(seconds: 1_700_000_000, fraction: 123_456, data: Self.frameA)
        file.packet(seconds: 1_700_000_001, fraction: 999_999, data: Self.frameB, originalLength: 1500)
        let (packets, reader) = try Self.readAll(file.bytes)
        #expect(reader.format == .pcap)
        #expect(reader.truncation == nil)
        #expect(packets.count == 2)
        #expect(packets[0].timestamp == CaptureTimestamp(seconds: 1_700_000_000, nanoseconds: 123_456_000))
        #expect(packets[1].timestamp == CaptureTimestamp(seconds: 1_700_000_001, nanoseconds: 999_999_000))
        #expect(packets[0].linkType == .ethernet)
        #expect(Array(buffer: packets[0].data) == Self.frameA)
        #expect(packets[0].originalLength == Self.frameA.count)
        #expect(packets[1].originalLength == 1500)
        #expect(packets[1].isTruncated)
        #expect(packets[0].timestamp.description == "1700000000.123456000")

        let direct = try PcapFileReader(bytes: file.bytes)
        #expect(direct.endianness == endianness)
        #expect(!direct.nanosecondResolution)
    }

    @Test("classic pcap, nanoseconds, both byte orders", arguments: [Endianness.little, .big])
    func pcapNanoseconds(endianness: Endianness) throws {
        var file = PcapBuilder(endianness: endianness, nanoseconds: true, linkType: 101)
        file.packet(seconds: 42, fraction: 987_654_321, data: [0x45, 0, 0, 20])
        let (packets, _) = try Self.readAll(file.bytes)
        #expect(packets.count == 1)
        #expect(packets[0].timestamp == CaptureTimestamp(seconds: 42, nanoseconds: 987_654_321))
        #expect(packets[0].linkType == .raw)
        #expect(try PcapFileReader(bytes: file.bytes).nanosecondResolution)
    }

    @Test("truncated pcap tail keeps complete packets and reports truncation")
    func pcapTruncatedTail() throws {
        var file = PcapBuilder(endianness: .little)
        file.packet(seconds: 1, fraction: 0, data: Self.frameA)
        file.packet(seconds: 2, fraction: 0, data: Self.frameB)
        let complete = file.bytes
        for cut in [complete.count - 1, complete.count - Self.frameB.count - 8] {
            let (packets, reader) = try Self.readAll(Array(complete[..<cut]))
            #expect(packets.count == 1)
            #expect(reader.truncation?.kind == .truncated)
        }
        // Header only: a valid, empty capture.
        let (none, reader) = try Self.readAll(Array(complete[..<24]))
        #expect(none.isEmpty)
        #expect(reader.truncation == nil)
    }

    @Test("unrecognisable files throw typed errors")
    func badFiles() {
        #expect(throws: CaptureError.self) { try CaptureFileReader(bytes: []) }
        do {
            _ = try CaptureFileReader(bytes: [1, 2, 3, 4, 5, 6, 7, 8])
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .unknownFormat)
        }
        do {
            _ = try CaptureFileReader(bytes: [0xD4, 0xC3, 0xB2, 0xA1, 2, 0])
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .truncated)
        }
    }

    @Test("pcapng: two interfaces with different link types and resolutions, both byte orders", arguments: [Endianness.little, .big])
    func pcapngInterfaces(endianness: Endianness) throws {
        var file = PcapNGBuilder()
        file.sectionHeader(endianness: endianness)
        file.interface(linkType: 1)  // default microseconds
        file.interface(linkType: 113, tsresol: 9, tsoffset: 100)  // nanoseconds, +100 s
        file.interface(linkType: 101, tsresol: 0x80 | 10)  // 1/1024 s
        let sll = Build.sll(protocolType: 0x0800, payload: Build.ipv4(payload: Build.tcp(sourcePort: 5, destinationPort: 6, seq: 9, flags: .syn)))
        file.enhancedPacket(interface: 0, ticks: 1_700_000_000_123_456, data: Self.frameA)
        file.unknownBlock(type: 0x0BAD)
        file.enhancedPacket(interface: 1, ticks: 5_000_000_007, data: sll, originalLength: 200)
        file.enhancedPacket(interface: 2, ticks: 3 * 1024 + 512, data: [0x45])
        let (packets, reader) = try Self.readAll(file.bytes)
        #expect(reader.format == .pcapng)
        #expect(reader.truncation == nil)
        #expect(packets.count == 3)
        #expect(packets[0].linkType == .ethernet)
        #expect(packets[0].timestamp == CaptureTimestamp(seconds: 1_700_000_000, nanoseconds: 123_456_000))
        #expect(Array(buffer: packets[0].data) == Self.frameA)
        #expect(packets[1].linkType == .linuxSLL)
        #expect(packets[1].interfaceIndex == 1)
        #expect(packets[1].timestamp == CaptureTimestamp(seconds: 105, nanoseconds: 7))
        #expect(packets[1].originalLength == 200)
        #expect(Array(buffer: packets[1].data) == sll)
        #expect(packets[2].linkType == .raw)
        #expect(packets[2].timestamp == CaptureTimestamp(seconds: 3, nanoseconds: 500_000_000))
        #expect(try PacketDecoder.tcpSegment(in: packets[1]).get().flags == .syn)
    }

    @Test("pcapng: simple and obsolete packet blocks, several sections in different byte orders")
    func pcapngSectionsAndBlockKinds() throws {
        var file = PcapNGBuilder()
        file.sectionHeader(endianness: .little)
        file.interface(linkType: 1, snapLength: 4)
        file.simplePacket(data: Array(Self.frameA[..<4]), originalLength: Self.frameA.count)
        file.obsoletePacket(interface: 0, ticks: 2_000_001, data: Self.frameB)
        file.sectionHeader(endianness: .big)
        file.interface(linkType: 0)
        file.interface(linkType: 276, tsresol: 3)
        file.enhancedPacket(interface: 1, ticks: 7_250, data: [1, 2, 3])
        let (packets, reader) = try Self.readAll(file.bytes)
        #expect(reader.truncation == nil)
        #expect(packets.count == 3)
        // Simple Packet Block: interface 0, no timestamp, captured length capped by the snap length.
        #expect(packets[0].timestamp == .zero)
        #expect(Array(buffer: packets[0].data) == Array(Self.frameA[..<4]))
        #expect(packets[0].originalLength == Self.frameA.count)
        #expect(packets[1].timestamp == CaptureTimestamp(seconds: 2, nanoseconds: 1_000))
        #expect(Array(buffer: packets[1].data) == Self.frameB)
        // Second section: interfaces start again from 0.
        #expect(packets[2].linkType == .linuxSLL2)
        #expect(packets[2].interfaceIndex == 1)
        #expect(packets[2].timestamp == CaptureTimestamp(seconds: 7, nanoseconds: 250_000_000))
    }

    @Test("pcapng: truncated tail keeps complete packets")
    func pcapngTruncatedTail() throws {
        var file = PcapNGBuilder()
        file.sectionHeader(endianness: .little)
        file.interface(linkType: 1)
        file.enhancedPacket(interface: 0, ticks: 1, data: Self.frameA)
        let keep = file.bytes.count
        file.enhancedPacket(interface: 0, ticks: 2, data: Self.frameB)
        for cut in [keep + 6, keep + 30, file.bytes.count - 1] {
            let (packets, reader) = try Self.readAll(Array(file.bytes[..<cut]))
            #expect(packets.count == 1)
            #expect(reader.truncation?.kind == .truncated)
        }
    }

    @Test("pcapng: packet for an undeclared interface throws after earlier packets")
    func pcapngUndeclaredInterface() throws {
        var file = PcapNGBuilder()
        file.sectionHeader(endianness: .little)
        file.interface(linkType: 1)
        file.enhancedPacket(interface: 0, ticks: 1, data: Self.frameA)
        file.enhancedPacket(interface: 3, ticks: 2, data: Self.frameB)
        var reader = try CaptureFileReader(bytes: file.bytes)
        #expect(try reader.next() != nil)
        do {
            _ = try reader.next()
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .malformed)
        }
    }
}
