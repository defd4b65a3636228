import Foundation
import NIOCore

/// Builds large captures out of the recorded ones, for benchmarks and streaming tests.
///
/// Each copy of the recorded packets is shifted in time past the previous copy and has its
/// client-side (ephemeral) ports rewritten, so every copy is a distinct set of connections.
/// Nothing else is touched: checksums go stale, which our reader does not check.
public enum CaptureSynthesis {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The recorded captures' directory, under `repositoryRoot` or found from this file's path.
    public static func capturesDirectory(repositoryRoot: String? = nil, filePath: String = #filePath) -> URL {
        if let repositoryRoot {
            return URL(fileURLWithPath: repositoryRoot).appendingPathComponent("captures")
        }
        // Sources/ZooKeeperTestSupport/CaptureSynthesis.swift -> repository root.
        return URL(fileURLWithPath: filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("captures")
    }

    /// A little-endian microsecond pcap of at least `targetBytes` (whole copies only, at least one).
    public static func largeCapture(targetBytes: Int, capturesDirectory: URL = capturesDirectory()) throws -> ByteBuffer {
        let unit = try RecordedPackets.load(from: capturesDirectory)
        let unitBytes = unit.packets.reduce(0) { $0 + 16 + $1.frame.count }
        let copies = max(1, (max(0, targetBytes - 24) + unitBytes - 1) / unitBytes)
        var output = ByteBuffer()
        output.reserveCapacity(24 + copies * unitBytes)
        output.writeInteger(UInt32(0xA1B2_C3D4), endianness: .little)
        output.writeInteger(UInt16(2), endianness: .little)
        output.writeInteger(UInt16(4), endianness: .little)
        output.writeInteger(UInt32(0), endianness: .little)  // thiszone
        output.writeInteger(UInt32(0), endianness: .little)  // sigfigs
        output.writeInteger(UInt32(262_144), endianness: .little)
        output.writeInteger(unit.linkType, endianness: .little)
        var frame: [UInt8] = []
        for copy in 0..<copies {
            // One second between copies keeps them apart even with a reordering window.
            let shift = UInt64(copy) * (unit.spanMicroseconds + 1_000_000)
            for packet in unit.packets {
                let time = packet.microseconds + shift
                frame = packet.frame
                if let ports = packet.tcpPortsOffset {
                    for at in [ports, ports + 2] {
                        let port = UInt16(frame[at]) << 8 | UInt16(frame[at + 1])
                        let rewritten = Self.port(port, copy: copy)
                        frame[at] = UInt8(rewritten >> 8)
                        frame[at + 1] = UInt8(truncatingIfNeeded: rewritten)
                    }
                }
                output.writeInteger(UInt32(truncatingIfNeeded: time / 1_000_000), endianness: .little)
                output.writeInteger(UInt32(time % 1_000_000), endianness: .little)
                output.writeInteger(UInt32(frame.count), endianness: .little)
                output.writeInteger(UInt32(packet.originalLength), endianness: .little)
                output.writeBytes(frame)
            }
        }
        return output
    }

    /// Writes `largeCapture(targetBytes:capturesDirectory:)` to `path`.
    public static func writeLargeCapture(to path: String, targetBytes: Int, capturesDirectory: URL = capturesDirectory()) throws {
        let bytes = try largeCapture(targetBytes: targetBytes, capturesDirectory: capturesDirectory)
        try Data(bytes.readableBytesView).write(to: URL(fileURLWithPath: path))
    }

    /// Ephemeral ports (Linux uses 32768 and up) move by a step coprime with the range, so a
    /// copy's ports differ from every other copy's while the well-known server ports stay.
    static func port(_ port: UInt16, copy: Int) -> UInt16 {
        guard port >= 32768 else { return port }
        return UInt16(32768 + (Int(port) - 32768 + copy * 4099) % 32768)
    }
}

/// The recorded captures' packets, back to back in time, as one unit to replicate.
private struct RecordedPackets {
    struct Packet {
        var microseconds: UInt64
        var frame: [UInt8]
        var originalLength: Int
        /// Where the TCP source port starts in `frame`, if the frame is TCP.
        var tcpPortsOffset: Int?
    }

    var linkType: UInt32 = 1
    var packets: [Packet] = []
    var spanMicroseconds: UInt64 = 0

    static func load(from directory: URL) throws -> RecordedPackets {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".pcap") }.sorted()
        var unit = RecordedPackets()
        var linkType: UInt32?
        for name in names {
            let file = try PcapFile(Array(try Data(contentsOf: directory.appendingPathComponent(name))))
            // A classic pcap has one link type; captures of another type are left out.
            guard linkType == nil || linkType == file.linkType, let first = file.records.first else { continue }
            linkType = file.linkType
            let base = unit.spanMicroseconds + (unit.packets.isEmpty ? 0 : 1_000_000)
            for record in file.records {
                let time = base + (record.microseconds >= first.microseconds ? record.microseconds - first.microseconds : 0)
                unit.packets.append(Packet(
                    microseconds: time, frame: record.frame, originalLength: record.originalLength,
                    tcpPortsOffset: tcpOffset(in: record.frame, linkType: file.linkType)))
                unit.spanMicroseconds = max(unit.spanMicroseconds, time)
            }
        }
        guard let linkType, !unit.packets.isEmpty else {
            throw CaptureSynthesis.Failure(description: "no pcap files with packets in \(directory.path)")
        }
        unit.linkType = linkType
        return unit
    }

    /// Finds the TCP header in Ethernet, Linux cooked or raw IP frames; nil for anything else.
    static func tcpOffset(in frame: [UInt8], linkType: UInt32) -> Int? {
        func u16(_ at: Int) -> Int? { at + 1 < frame.count ? Int(frame[at]) << 8 | Int(frame[at + 1]) : nil }
        var ip: Int
        var etherType: Int?
        switch linkType {
        case 1: ip = 14; etherType = u16(12)
        case 113: ip = 16; etherType = u16(14)
        case 12, 101: ip = 0
        default: return nil
        }
        while etherType == 0x8100 || etherType == 0x88A8 {
            etherType = u16(ip + 2)
            ip += 4
        }
        guard etherType == nil || etherType == 0x0800 || etherType == 0x86DD, ip < frame.count else { return nil }
        let tcp: Int
        switch frame[ip] >> 4 {
        case 4:
            guard ip + 20 <= frame.count, frame[ip + 9] == 6 else { return nil }
            tcp = ip + Int(frame[ip] & 0x0F) * 4
        case 6:
            guard ip + 40 <= frame.count, frame[ip + 6] == 6 else { return nil }
            tcp = ip + 40
        default:
            return nil
        }
        return tcp + 4 <= frame.count ? tcp : nil
    }
}

/// The records of a classic pcap file, either byte order, micro- or nanosecond timestamps.
private struct PcapFile {
    struct Record {
        var microseconds: UInt64
        var frame: [UInt8]
        var originalLength: Int
    }

    var linkType: UInt32
    var records: [Record] = []

    init(_ bytes: [UInt8]) throws {
        guard bytes.count >= 24 else { throw CaptureSynthesis.Failure(description: "not a pcap file") }
        let magic = UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
        let little: Bool
        let nanoseconds: Bool
        switch magic {
        case 0xD4C3_B2A1: (little, nanoseconds) = (true, false)
        case 0x4D3C_B2A1: (little, nanoseconds) = (true, true)
        case 0xA1B2_C3D4: (little, nanoseconds) = (false, false)
        case 0xA1B2_3C4D: (little, nanoseconds) = (false, true)
        default: throw CaptureSynthesis.Failure(description: "not a pcap file (magic \(String(magic, radix: 16)))")
        }
        func u32(_ at: Int) -> UInt32 {
            let b = (UInt32(bytes[at]), UInt32(bytes[at + 1]), UInt32(bytes[at + 2]), UInt32(bytes[at + 3]))
            return little ? b.3 << 24 | b.2 << 16 | b.1 << 8 | b.0 : b.0 << 24 | b.1 << 16 | b.2 << 8 | b.3
        }
        self.linkType = u32(20) & 0xFFFF
        var offset = 24
        // A truncated tail is dropped: the copies must be well-formed.
        while offset + 16 <= bytes.count {
            let captured = Int(u32(offset + 8))
            guard captured <= bytes.count - offset - 16 else { break }
            let fraction = UInt64(u32(offset + 4))
            let microseconds = UInt64(u32(offset)) * 1_000_000 + (nanoseconds ? fraction / 1000 : fraction)
            let start = offset + 16
            self.records.append(Record(
                microseconds: microseconds, frame: Array(bytes[start..<(start + captured)]),
                originalLength: Int(u32(offset + 12))))
            offset = start + captured
        }
    }
}
