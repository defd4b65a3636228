import NIOCore
import ZooKeeperPCAP

/// Rewrites a capture's TCP traffic into other shapes a real capture can take:
/// other link layers and file formats, segments split, reordered and sent
/// twice, a start in the middle of a connection. Decoding the result must give
/// the same ZooKeeper messages (or, for a cut, say where it resynchronised).
public enum CaptureRewriting {
    public struct Packet: Sendable {
        public var time: CaptureTimestamp
        public var segment: TCPSegment

        public init(time: CaptureTimestamp, segment: TCPSegment) {
            self.time = time
            self.segment = segment
        }
    }

    public enum Link: Sendable { case ethernet, linuxSLL, linuxSLL2, raw, null }
    public enum Format: Sendable { case pcap, pcapng }

    /// The TCP segments of a capture, in file order.
    public static func packets(of capture: ByteBuffer) throws -> [Packet] {
        var reader = try CaptureFileReader(capture)
        var packets: [Packet] = []
        while let packet = try reader.next() {
            if case .success(let segment) = PacketDecoder.tcpSegment(in: packet) {
                packets.append(Packet(time: packet.timestamp, segment: segment))
            }
        }
        return packets
    }

    /// Every payload of two bytes or more becomes two segments, the second one
    /// microsecond later.
    public static func split(_ packets: [Packet]) -> [Packet] {
        packets.flatMap { packet -> [Packet] in
            let payload = packet.segment.payload
            guard payload.readableBytes >= 2 else { return [packet] }
            let half = payload.readableBytes / 2
            var first = packet, second = packet
            first.segment.payload = payload.getSlice(at: payload.readerIndex, length: half)!
            first.segment.flags.remove(.fin)
            second.segment.payload = payload.getSlice(at: payload.readerIndex + half, length: payload.readableBytes - half)!
            second.segment.sequenceNumber = packet.segment.sequenceNumber &+ UInt32(half)
            second.time = packet.time.adding(microseconds: 1)
            return [first, second]
        }
    }

    /// Swaps each pair of neighbouring data segments of a connection direction,
    /// keeping the timestamps in order: the later bytes arrive first.
    public static func reorder(_ packets: [Packet]) -> [Packet] {
        var result = packets
        var index = 0
        while index + 1 < result.count {
            let a = result[index].segment, b = result[index + 1].segment
            if a.source == b.source, a.destination == b.destination, a.payload.readableBytes > 0,
                b.payload.readableBytes > 0, !a.flags.contains(.syn), !b.flags.contains(.fin)
            {
                (result[index].segment, result[index + 1].segment) = (b, a)
                index += 2
            } else {
                index += 1
            }
        }
        return result
    }

    /// Sends every data segment a second time, right after the first.
    public static func duplicate(_ packets: [Packet]) -> [Packet] {
        packets.flatMap { packet -> [Packet] in
            guard packet.segment.payload.readableBytes > 0 else { return [packet] }
            var again = packet
            again.time = packet.time.adding(microseconds: 1)
            return [packet, again]
        }
    }

    /// The capture as if started `dropped` packets late.
    public static func cut(_ packets: [Packet], dropping dropped: Int) -> [Packet] {
        Array(packets.dropFirst(dropped))
    }

    /// A capture file holding the packets.
    public static func capture(_ packets: [Packet], link: Link, format: Format) -> ByteBuffer {
        var file = ByteBuffer()
        let linkType = linkTypeValue(link)
        switch format {
        case .pcap:
            file.writeInteger(UInt32(0xa1b2_c3d4), endianness: .little)
            file.writeInteger(UInt16(2), endianness: .little)
            file.writeInteger(UInt16(4), endianness: .little)
            file.writeInteger(Int32(0), endianness: .little)
            file.writeInteger(UInt32(0), endianness: .little)
            file.writeInteger(UInt32(262_144), endianness: .little)
            file.writeInteger(linkType, endianness: .little)
            for packet in packets {
                let frame = self.frame(packet.segment, link: link)
                file.writeInteger(UInt32(truncatingIfNeeded: packet.time.seconds), endianness: .little)
                file.writeInteger(packet.time.nanoseconds / 1000, endianness: .little)
                file.writeInteger(UInt32(frame.count), endianness: .little)
                file.writeInteger(UInt32(frame.count), endianness: .little)
                file.writeBytes(frame)
            }
        case .pcapng:
            block(0x0A0D_0D0A, into: &file) { body in
                body.writeInteger(UInt32(0x1A2B_3C4D), endianness: .little)
                body.writeInteger(UInt16(1), endianness: .little)
                body.writeInteger(UInt16(0), endianness: .little)
                body.writeInteger(Int64(-1), endianness: .little)
            }
            block(1, into: &file) { body in
                body.writeInteger(UInt16(linkType), endianness: .little)
                body.writeInteger(UInt16(0), endianness: .little)
                body.writeInteger(UInt32(262_144), endianness: .little)
            }
            for packet in packets {
                let frame = self.frame(packet.segment, link: link)
                let micros = UInt64(packet.time.seconds) * 1_000_000 + UInt64(packet.time.nanoseconds / 1000)
                block(6, into: &file) { body in
                    body.writeInteger(UInt32(0), endianness: .little)
                    body.writeInteger(UInt32(micros >> 32), endianness: .little)
                    body.writeInteger(UInt32(micros & 0xffff_ffff), endianness: .little)
                    body.writeInteger(UInt32(frame.count), endianness: .little)
                    body.writeInteger(UInt32(frame.count), endianness: .little)
                    body.writeBytes(frame)
                    body.writeRepeatingByte(0, count: (4 - frame.count % 4) % 4)
                }
            }
        }
        return file
    }

    private static func block(_ type: UInt32, into file: inout ByteBuffer, _ body: (inout ByteBuffer) -> Void) {
        var content = ByteBuffer()
        body(&content)
        let length = UInt32(12 + content.readableBytes)
        file.writeInteger(type, endianness: .little)
        file.writeInteger(length, endianness: .little)
        file.writeBuffer(&content)
        file.writeInteger(length, endianness: .little)
    }

    private static func linkTypeValue(_ link: Link) -> UInt32 {
        switch link {
        case .ethernet: 1
        case .linuxSLL: 113
        case .linuxSLL2: 276
        case .raw: 101
        case .null: 0
        }
    }

    /// Link header, IP header and TCP header around the payload (checksums left zero).
    static func frame(_ segment: TCPSegment, link: Link) -> [UInt8] {
        let isV4 = segment.source.address.isIPv4
        var tcp: [UInt8] = []
        tcp += be16(segment.source.port) + be16(segment.destination.port)
        tcp += be32(segment.sequenceNumber) + be32(segment.acknowledgementNumber)
        tcp += [5 << 4, UInt8(truncatingIfNeeded: segment.flags.rawValue)] + be16(segment.window) + [0, 0, 0, 0]
        tcp += Array(segment.payload.readableBytesView)
        var ip: [UInt8]
        if isV4 {
            ip = [0x45, 0] + be16(UInt16(20 + tcp.count)) + [0, 0, 0x40, 0, 64, 6, 0, 0]
            ip += address(segment.source.address) + address(segment.destination.address)
        } else {
            ip = [0x60, 0, 0, 0] + be16(UInt16(tcp.count)) + [6, 64]
            ip += address(segment.source.address) + address(segment.destination.address)
        }
        let etherType: UInt16 = isV4 ? 0x0800 : 0x86DD
        let header: [UInt8]
        switch link {
        case .ethernet: header = [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2] + be16(etherType)
        case .linuxSLL: header = be16(0) + be16(772) + be16(6) + [0, 0, 0, 0, 0, 0, 0, 0] + be16(etherType)
        case .linuxSLL2: header = be16(etherType) + [0, 0] + be32(1) + be16(772) + [0, 6] + [0, 0, 0, 0, 0, 0, 0, 0]
        case .raw: header = []
        case .null: header = isV4 ? [2, 0, 0, 0] : [30, 0, 0, 0]
        }
        return header + ip + tcp
    }

    private static func address(_ address: IPAddress) -> [UInt8] {
        switch address {
        case .v4(let value): be32(value)
        case .v6(let high, let low): be64(high) + be64(low)
        }
    }

    private static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }
    private static func be32(_ v: UInt32) -> [UInt8] { be16(UInt16(v >> 16)) + be16(UInt16(v & 0xffff)) }
    private static func be64(_ v: UInt64) -> [UInt8] { be32(UInt32(v >> 32)) + be32(UInt32(v & 0xffff_ffff)) }
}

extension CaptureTimestamp {
    func adding(microseconds: Int64) -> CaptureTimestamp {
        let total = Int64(nanoseconds) + microseconds * 1000
        return CaptureTimestamp(seconds: seconds + total / 1_000_000_000, nanoseconds: UInt32(total % 1_000_000_000))
    }
}
