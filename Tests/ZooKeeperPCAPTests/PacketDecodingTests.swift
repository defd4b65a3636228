import NIOCore
import Testing
import ZooKeeperPCAP

@Suite("Link, IP and TCP decoding")
struct PacketDecodingTests {
    static let payload = Array("ruok".utf8)
    static let segment = Build.tcp(sourcePort: 40_000, destinationPort: 2181, seq: 0xFFFF_FFF0, ack: 77, flags: [.psh, .ack], payload: payload)
    static let v4 = Build.ipv4(source: [127, 0, 0, 1], destination: [127, 0, 0, 2], payload: segment)
    static let v6 = Build.ipv6(source: [0, 0, 0, 0, 0, 0, 0, 1], destination: [0, 0, 0, 0, 0, 0, 0, 1], payload: segment)

    static func decode(_ frame: [UInt8], _ linkType: LinkType) -> Result<TCPSegment, SkipReason> {
        PacketDecoder.tcpSegment(inFrame: ByteBuffer(bytes: frame), linkType: linkType)
    }

    static func expectSegment(_ result: Result<TCPSegment, SkipReason>, v6: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .success(let segment) = result else {
            Issue.record("not decoded: \(result)", sourceLocation: sourceLocation)
            return
        }
        #expect(segment.source.port == 40_000, sourceLocation: sourceLocation)
        #expect(segment.destination.port == 2181, sourceLocation: sourceLocation)
        #expect(segment.sequenceNumber == 0xFFFF_FFF0, sourceLocation: sourceLocation)
        #expect(segment.acknowledgementNumber == 77, sourceLocation: sourceLocation)
        #expect(segment.flags == [.psh, .ack], sourceLocation: sourceLocation)
        #expect(Array(buffer: segment.payload) == Self.payload, sourceLocation: sourceLocation)
        if v6 {
            #expect(segment.source.address.description == "::1", sourceLocation: sourceLocation)
        } else {
            #expect(segment.source.address == .ipv4(127, 0, 0, 1), sourceLocation: sourceLocation)
            #expect(segment.destination.description == "127.0.0.2:2181", sourceLocation: sourceLocation)
        }
    }

    @Test("every supported link type")
    func linkTypes() {
        Self.expectSegment(Self.decode(Build.ethernet(etherType: 0x0800, payload: Self.v4), .ethernet))
        Self.expectSegment(Self.decode(Build.ethernet(etherType: 0x86DD, payload: Self.v6), .ethernet), v6: true)
        Self.expectSegment(Self.decode(Build.sll(protocolType: 0x0800, payload: Self.v4), .linuxSLL))
        Self.expectSegment(Self.decode(Build.sll(protocolType: 0x86DD, payload: Self.v6), .linuxSLL), v6: true)
        Self.expectSegment(Self.decode(Build.sll2(protocolType: 0x0800, payload: Self.v4), .linuxSLL2))
        Self.expectSegment(Self.decode(Build.sll2(protocolType: 0x86DD, payload: Self.v6), .linuxSLL2), v6: true)
        for raw in [LinkType.raw, .rawDLT12, .rawDLT14] {
            Self.expectSegment(Self.decode(Self.v4, raw))
            Self.expectSegment(Self.decode(Self.v6, raw), v6: true)
        }
        Self.expectSegment(Self.decode(Self.v4, .ipv4))
        Self.expectSegment(Self.decode(Self.v6, .ipv6), v6: true)
        for endianness in [Endianness.little, .big] {
            Self.expectSegment(Self.decode(Build.null(family: 2, endianness: endianness, payload: Self.v4), .null))
            for family: UInt32 in [10, 24, 28, 30] {
                Self.expectSegment(Self.decode(Build.null(family: family, endianness: endianness, payload: Self.v6), .null), v6: true)
            }
            Self.expectSegment(Self.decode(Build.null(family: 2, endianness: endianness, payload: Self.v4), .loop))
            Self.expectSegment(Self.decode(Build.null(family: 24, endianness: endianness, payload: Self.v6), .loop), v6: true)
        }
    }

    @Test("802.1Q and QinQ VLAN tags")
    func vlan() {
        Self.expectSegment(Self.decode(Build.ethernet(etherType: 0x0800, vlanTags: [(0x8100, 42)], payload: Self.v4), .ethernet))
        Self.expectSegment(
            Self.decode(Build.ethernet(etherType: 0x86DD, vlanTags: [(0x88A8, 7), (0x8100, 42)], payload: Self.v6), .ethernet), v6: true
        )
        let cut = Array(Build.ethernet(etherType: 0x0800, vlanTags: [(0x8100, 42)], payload: []).prefix(16))
        #expect(Self.decode(cut, .ethernet) == .failure(.truncatedLinkHeader))
    }

    @Test("Ethernet padding is trimmed by the IPv4 total length")
    func ethernetPadding() throws {
        let small = Build.ipv4(payload: Build.tcp(sourcePort: 1, destinationPort: 2, seq: 3, flags: .ack))
        let frame = Build.ethernet(etherType: 0x0800, payload: small + [0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE])
        let segment = try Self.decode(frame, .ethernet).get()
        #expect(segment.payload.readableBytes == 0)
    }

    @Test("IPv4 options, TCP options, and TSO zero total length")
    func headerLengths() throws {
        let segment = Build.tcp(sourcePort: 1, destinationPort: 2, seq: 3, flags: .ack, payload: [9, 8, 7], optionWords: 3)
        let withOptions = Build.ipv4(payload: segment, optionWords: 2)
        #expect(Array(buffer: try Self.decode(withOptions, .raw).get().payload) == [9, 8, 7])
        let tso = Build.ipv4(payload: segment, totalLengthOverride: 0)
        #expect(Array(buffer: try Self.decode(tso, .raw).get().payload) == [9, 8, 7])
    }

    @Test("IPv6 extension headers are skipped")
    func ipv6Extensions() throws {
        let hopByHop = (type: UInt8(0), body: [UInt8](repeating: 0, count: 6))
        let destination = (type: UInt8(60), body: [UInt8](repeating: 0, count: 14))
        let routing = (type: UInt8(43), body: [UInt8](repeating: 0, count: 6))
        let atomicFragment = (type: UInt8(44), body: [UInt8](repeating: 0, count: 6))
        let packet = Build.ipv6(extensions: [hopByHop, routing, destination, atomicFragment], payload: Self.segment)
        let decoded = try Self.decode(packet, .raw).get()
        #expect(decoded.source.address.description == "2001:db8::1")
        #expect(decoded.destination.description == "[2001:db8::2]:2181")
        #expect(Array(buffer: decoded.payload) == Self.payload)
    }

    @Test("non-TCP and undecodable packets are skipped with a reason")
    func skipReasons() {
        #expect(Self.decode(Build.ethernet(etherType: 0x0806, payload: [0, 1, 8, 0]), .ethernet) == .failure(.notIP))
        #expect(Self.decode(Build.ipv4(protocolNumber: 17, payload: [0, 53, 0, 53, 0, 8, 0, 0]), .raw) == .failure(.notTCP(protocolNumber: 17)))
        #expect(Self.decode(Build.ipv6(nextHeader: 58, payload: [128, 0, 0, 0]), .raw) == .failure(.notTCP(protocolNumber: 58)))
        // First fragment (more-fragments set) and a later fragment.
        #expect(Self.decode(Build.ipv4(payload: Self.segment, fragmentField: 0x2000), .raw) == .failure(.ipFragment))
        #expect(Self.decode(Build.ipv4(payload: Self.segment, fragmentField: 0x0010), .raw) == .failure(.ipFragment))
        let fragment = (type: UInt8(44), body: [UInt8]([0, 0x08, 0, 0, 0, 1]))  // offset 1
        #expect(Self.decode(Build.ipv6(extensions: [fragment], payload: Self.segment), .raw) == .failure(.ipFragment))
        #expect(Self.decode(Self.v4, LinkType(rawValue: 147)) == .failure(.unsupportedLinkType(147)))
        #expect(Self.decode([0, 1, 2], .ethernet) == .failure(.truncatedLinkHeader))
        #expect(Self.decode(Array(Self.v4.dropLast(2)), .raw) == .failure(.truncatedIPPacket))
        #expect(Self.decode(Array(Self.v6.dropLast(2)), .raw) == .failure(.truncatedIPPacket))
        var badVersion = Self.v4
        badVersion[0] = 0x35
        #expect(Self.decode(badVersion, .ipv4) == .failure(.malformedIPHeader))
        var badOffset = Self.v4
        badOffset[20 + 12] = 0x40  // TCP data offset 4 words
        #expect(Self.decode(badOffset, .raw) == .failure(.malformedTCPHeader))
        #expect(SkipReason.notTCP(protocolNumber: 17).mayHaveBeenTCP == false)
        #expect(SkipReason.ipFragment.mayHaveBeenTCP)
    }

    @Test("IP address text forms")
    func addressDescriptions() {
        #expect(IPAddress.ipv4(127, 0, 0, 1).description == "127.0.0.1")
        #expect(IPAddress.ipv4(255, 1, 0, 10).description == "255.1.0.10")
        #expect(IPAddress.ipv6([0, 0, 0, 0, 0, 0, 0, 1]).description == "::1")
        #expect(IPAddress.ipv6([]).description == "::")
        #expect(IPAddress.ipv6([0xfe80, 0, 0, 0, 1, 0, 0, 1]).description == "fe80::1:0:0:1")
        #expect(IPAddress.ipv6([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1]).description == "2001:db8:0:1:1:1:1:1")
        #expect(IPAddress.ipv6([1, 0, 0, 2, 0, 0, 3, 4]).description == "1::2:0:0:3:4")
        #expect(IPAddress.ipv6([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001]).description == "::ffff:10.0.0.1")
        #expect(IPAddress.ipv4(9, 9, 9, 9) < IPAddress.ipv6([0, 0, 0, 0, 0, 0, 0, 1]))
    }
}
