import NIOCore
import ZooKeeperPCAP

/// Appends integers in a chosen byte order; the building block for hand-made capture files.
struct ByteWriter {
    var bytes: [UInt8] = []
    var endianness: Endianness = .big

    init(endianness: Endianness = .big) {
        self.endianness = endianness
    }

    mutating func u8(_ value: UInt8) {
        self.bytes.append(value)
    }

    mutating func u16(_ value: UInt16) {
        self.integer(value)
    }

    mutating func u32(_ value: UInt32) {
        self.integer(value)
    }

    mutating func u64(_ value: UInt64) {
        self.integer(value)
    }

    mutating func append(_ other: [UInt8]) {
        self.bytes += other
    }

    mutating func pad(toMultipleOf alignment: Int) {
        while self.bytes.count % alignment != 0 { self.bytes.append(0) }
    }

    private mutating func integer<T: FixedWidthInteger>(_ value: T) {
        let ordered = self.endianness == .big ? value.bigEndian : value.littleEndian
        withUnsafeBytes(of: ordered) { self.bytes += $0 }
    }
}

/// Composes link, IP and TCP headers byte by byte (checksums left zero; nothing verifies them).
enum Build {
    static func tcp(
        sourcePort: UInt16, destinationPort: UInt16, seq: UInt32, ack: UInt32 = 0,
        flags: TCPFlags, payload: [UInt8] = [], optionWords: Int = 0
    ) -> [UInt8] {
        var w = ByteWriter()
        w.u16(sourcePort)
        w.u16(destinationPort)
        w.u32(seq)
        w.u32(ack)
        w.u16(UInt16(5 + optionWords) << 12 | flags.rawValue)
        w.u16(65535)  // window
        w.u16(0)  // checksum
        w.u16(0)  // urgent pointer
        for _ in 0..<optionWords { w.append([1, 1, 1, 1]) }  // NOPs
        w.append(payload)
        return w.bytes
    }

    static func ipv4(
        source: [UInt8] = [10, 0, 0, 1], destination: [UInt8] = [10, 0, 0, 2], protocolNumber: UInt8 = 6,
        payload: [UInt8], fragmentField: UInt16 = 0x4000, optionWords: Int = 0, totalLengthOverride: UInt16? = nil
    ) -> [UInt8] {
        var w = ByteWriter()
        w.u8(0x40 | UInt8(5 + optionWords))
        w.u8(0)
        w.u16(totalLengthOverride ?? UInt16(20 + optionWords * 4 + payload.count))
        w.u16(0x1234)  // identification
        w.u16(fragmentField)
        w.u8(64)  // TTL
        w.u8(protocolNumber)
        w.u16(0)  // checksum
        w.append(source)
        w.append(destination)
        for _ in 0..<optionWords { w.append([1, 1, 1, 1]) }
        w.append(payload)
        return w.bytes
    }

    /// Extension headers are (type, bytes) pairs in order; each `bytes` excludes the first two
    /// (next header, length) bytes and must make the header a multiple of 8 bytes.
    static func ipv6(
        source: [UInt16] = [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1], destination: [UInt16] = [0x2001, 0xdb8, 0, 0, 0, 0, 0, 2],
        nextHeader: UInt8 = 6, extensions: [(type: UInt8, body: [UInt8])] = [], payload: [UInt8]
    ) -> [UInt8] {
        var chain: [UInt8] = []
        let types = extensions.map(\.type) + [nextHeader]
        for (index, ext) in extensions.enumerated() {
            chain.append(types[index + 1])
            chain.append(UInt8((ext.body.count + 2) / 8 - 1))
            chain += ext.body
        }
        var w = ByteWriter()
        w.u32(0x6000_0000)
        w.u16(UInt16(chain.count + payload.count))
        w.u8(types[0])
        w.u8(64)  // hop limit
        for group in source { w.u16(group) }
        for group in destination { w.u16(group) }
        w.append(chain)
        w.append(payload)
        return w.bytes
    }

    static func ethernet(etherType: UInt16, vlanTags: [(tpid: UInt16, id: UInt16)] = [], payload: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        w.append([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01])
        for tag in vlanTags {
            w.u16(tag.tpid)
            w.u16(tag.id)
        }
        w.u16(etherType)
        w.append(payload)
        return w.bytes
    }

    static func sll(protocolType: UInt16, payload: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        w.u16(0)  // packet type: to us
        w.u16(772)  // ARPHRD_LOOPBACK
        w.u16(6)
        w.append([0, 0, 0, 0, 0, 0, 0, 0])
        w.u16(protocolType)
        w.append(payload)
        return w.bytes
    }

    static func sll2(protocolType: UInt16, payload: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        w.u16(protocolType)
        w.u16(0)  // reserved
        w.u32(1)  // interface index
        w.u16(772)
        w.u8(0)  // packet type
        w.u8(6)
        w.append([0, 0, 0, 0, 0, 0, 0, 0])
        w.append(payload)
        return w.bytes
    }

    static func null(family: UInt32, endianness: Endianness, payload: [UInt8]) -> [UInt8] {
        var w = ByteWriter(endianness: endianness)
        w.u32(family)
        w.append(payload)
        return w.bytes
    }

    /// An Ethernet/IPv4/TCP frame between 10.0.0.1 and 10.0.0.2.
    static func frame(_ segment: [UInt8], reversed: Bool = false) -> [UInt8] {
        let (a, b): ([UInt8], [UInt8]) = ([10, 0, 0, 1], [10, 0, 0, 2])
        return self.ethernet(etherType: 0x0800, payload: self.ipv4(source: reversed ? b : a, destination: reversed ? a : b, payload: segment))
    }
}

/// Classic pcap file composer.
struct PcapBuilder {
    var writer: ByteWriter
    let nanoseconds: Bool

    init(endianness: Endianness, nanoseconds: Bool = false, linkType: UInt32 = 1, snapLength: UInt32 = 65535) {
        self.writer = ByteWriter(endianness: endianness)
        self.nanoseconds = nanoseconds
        self.writer.u32(nanoseconds ? 0xA1B2_3C4D : 0xA1B2_C3D4)
        self.writer.u16(2)
        self.writer.u16(4)
        self.writer.u32(0)  // thiszone
        self.writer.u32(0)  // sigfigs
        self.writer.u32(snapLength)
        self.writer.u32(linkType)
    }

    mutating func packet(seconds: UInt32, fraction: UInt32, data: [UInt8], originalLength: Int? = nil) {
        self.writer.u32(seconds)
        self.writer.u32(fraction)
        self.writer.u32(UInt32(data.count))
        self.writer.u32(UInt32(originalLength ?? data.count))
        self.writer.append(data)
    }

    var bytes: [UInt8] { self.writer.bytes }
}

/// pcapng file composer; every block helper writes a complete block in the current byte order.
struct PcapNGBuilder {
    var bytes: [UInt8] = []
    var endianness: Endianness = .little

    private mutating func writeBlock(type: UInt32, body: [UInt8]) {
        var padded = body
        while padded.count % 4 != 0 { padded.append(0) }
        var w = ByteWriter(endianness: self.endianness)
        w.u32(type)
        w.u32(UInt32(padded.count + 12))
        w.append(padded)
        w.u32(UInt32(padded.count + 12))
        self.bytes += w.bytes
    }

    mutating func sectionHeader(endianness: Endianness) {
        self.endianness = endianness
        var w = ByteWriter(endianness: endianness)
        w.u32(0x1A2B_3C4D)
        w.u16(1)
        w.u16(0)
        w.u64(UInt64.max)  // section length unknown (-1)
        self.writeBlock(type: 0x0A0D_0D0A, body: w.bytes)
    }

    mutating func interface(linkType: UInt16, snapLength: UInt32 = 0, tsresol: UInt8? = nil, tsoffset: Int64? = nil) {
        var w = ByteWriter(endianness: self.endianness)
        w.u16(linkType)
        w.u16(0)
        w.u32(snapLength)
        w.u16(2)  // if_name
        w.u16(2)
        w.append(Array("lo".utf8))
        w.pad(toMultipleOf: 4)
        if let tsresol {
            w.u16(9)
            w.u16(1)
            w.u8(tsresol)
            w.pad(toMultipleOf: 4)
        }
        if let tsoffset {
            w.u16(14)
            w.u16(8)
            w.u64(UInt64(bitPattern: tsoffset))
        }
        w.u16(0)  // opt_endofopt
        w.u16(0)
        self.writeBlock(type: 1, body: w.bytes)
    }

    mutating func enhancedPacket(interface: UInt32, ticks: UInt64, data: [UInt8], originalLength: Int? = nil) {
        var w = ByteWriter(endianness: self.endianness)
        w.u32(interface)
        w.u32(UInt32(ticks >> 32))
        w.u32(UInt32(truncatingIfNeeded: ticks))
        w.u32(UInt32(data.count))
        w.u32(UInt32(originalLength ?? data.count))
        w.append(data)
        w.pad(toMultipleOf: 4)
        w.u16(1)  // opt_comment
        w.u16(3)
        w.append(Array("hi!".utf8))
        w.pad(toMultipleOf: 4)
        self.writeBlock(type: 6, body: w.bytes)
    }

    mutating func simplePacket(data: [UInt8], originalLength: Int? = nil) {
        var w = ByteWriter(endianness: self.endianness)
        w.u32(UInt32(originalLength ?? data.count))
        w.append(data)
        self.writeBlock(type: 3, body: w.bytes)
    }

    mutating func obsoletePacket(interface: UInt16, ticks: UInt64, data: [UInt8]) {
        var w = ByteWriter(endianness: self.endianness)
        w.u16(interface)
        w.u16(0)  // drops
        w.u32(UInt32(ticks >> 32))
        w.u32(UInt32(truncatingIfNeeded: ticks))
        w.u32(UInt32(data.count))
        w.u32(UInt32(data.count))
        w.append(data)
        self.writeBlock(type: 2, body: w.bytes)
    }

    mutating func unknownBlock(type: UInt32) {
        self.writeBlock(type: type, body: [1, 2, 3, 4, 5, 6, 7])
    }
}
