import NIOCore

/// Reads classic libpcap files (`.pcap`) held in memory.
///
/// Supports both byte orders, microsecond (`a1b2c3d4`) and nanosecond (`a1b23c4d`) timestamps,
/// and the Kuznetzov "modified pcap" variant (`a1b2cd34`). A truncated tail ends iteration and is
/// reported through `truncation`, so every complete record before it is still returned.
public struct PcapFileReader: Sendable {
    /// The file's byte order (as written by the capturing host).
    public let endianness: Endianness
    /// Whether record timestamps carry nanoseconds (otherwise microseconds).
    public let nanosecondResolution: Bool
    public let linkType: LinkType
    public let snapLength: UInt32
    public let versionMajor: UInt16
    public let versionMinor: UInt16
    /// Set once `next()` has returned `nil` because the file ended inside a record.
    public private(set) var truncation: CaptureError?

    private let file: FileBytes
    private var buffer: ByteBuffer { self.file.buffer }
    private var offset: Int
    private let recordHeaderLength: Int

    static let headerLength = 24

    /// Returns the byte order and resolution for a pcap magic number read big-endian, if it is one.
    static func recognise(magicBigEndian magic: UInt32) -> (Endianness, nanoseconds: Bool, modified: Bool)? {
        switch magic {
        case 0xA1B2_C3D4: return (.big, false, false)
        case 0xD4C3_B2A1: return (.little, false, false)
        case 0xA1B2_3C4D: return (.big, true, false)
        case 0x4D3C_B2A1: return (.little, true, false)
        case 0xA1B2_CD34: return (.big, false, true)
        case 0x34CD_B2A1: return (.little, false, true)
        default: return nil
        }
    }

    public init(_ bytes: ByteBuffer) throws(CaptureError) {
        let buffer = bytes.slice()
        guard let magic = buffer.getInteger(at: 0, endianness: .big, as: UInt32.self) else {
            throw CaptureError(kind: .truncated, message: "file is shorter than a pcap magic number", offset: 0)
        }
        guard let (endianness, nanos, modified) = Self.recognise(magicBigEndian: magic) else {
            throw CaptureError(kind: .unknownFormat, message: "not a pcap magic number: 0x\(String(magic, radix: 16))", offset: 0)
        }
        guard buffer.readableBytes >= Self.headerLength,
              let major = buffer.getInteger(at: 4, endianness: endianness, as: UInt16.self),
              let minor = buffer.getInteger(at: 6, endianness: endianness, as: UInt16.self),
              let snap = buffer.getInteger(at: 16, endianness: endianness, as: UInt32.self),
              let network = buffer.getInteger(at: 20, endianness: endianness, as: UInt32.self)
        else {
            throw CaptureError(kind: .truncated, message: "file is shorter than the 24-byte pcap header", offset: 0)
        }
        guard major == 2 else {
            throw CaptureError(kind: .unsupportedVersion, message: "pcap version \(major).\(minor)", offset: 4)
        }
        self.file = FileBytes(buffer)
        self.endianness = endianness
        self.nanosecondResolution = nanos
        self.versionMajor = major
        self.versionMinor = minor
        self.snapLength = snap
        // The upper bits of the link-type field carry FCS information, not the type.
        self.linkType = LinkType(rawValue: network & 0xFFFF)
        self.offset = Self.headerLength
        self.recordHeaderLength = modified ? 24 : 16
    }

    public init(bytes: [UInt8]) throws(CaptureError) {
        try self.init(ByteBuffer(bytes: bytes))
    }

    /// Returns the next packet, or `nil` at the end of the file (check `truncation`).
    public mutating func next() throws(CaptureError) -> CapturedPacket? {
        try self.nextRecord().map { $0.packet(in: self.buffer) }
    }

    /// The next packet's record, its data located in the file rather than sliced out of it.
    mutating func nextRecord() throws(CaptureError) -> PacketRecord? {
        let remaining = self.buffer.readableBytes - self.offset
        if remaining == 0 || self.truncation != nil {
            return nil
        }
        guard remaining >= self.recordHeaderLength else {
            return self.stopTruncated("record header needs \(self.recordHeaderLength) bytes, \(remaining) left")
        }
        // Straight from the file's bytes: this runs for every packet.
        let fields = self.file.raw(self.offset..<(self.offset + 16))
        let (seconds, fraction, captured, original) = (
            fields.field(at: 0, self.endianness), fields.field(at: 4, self.endianness),
            fields.field(at: 8, self.endianness), fields.field(at: 12, self.endianness)
        )
        let dataStart = self.offset + self.recordHeaderLength
        guard Int(captured) <= self.buffer.readableBytes - dataStart else {
            return self.stopTruncated("record claims \(captured) captured bytes, \(self.buffer.readableBytes - dataStart) left")
        }
        let timestamp: CaptureTimestamp
        let unitsPerSecond: UInt32 = self.nanosecondResolution ? 1_000_000_000 : 1_000_000
        if fraction < unitsPerSecond {
            // The usual case, without the 64-bit divisions of the general conversion.
            timestamp = CaptureTimestamp(seconds: Int64(seconds), nanoseconds: self.nanosecondResolution ? fraction : fraction * 1000)
        } else {
            timestamp = CaptureTimestamp.fromTicks(
                UInt64(seconds) * UInt64(unitsPerSecond) + UInt64(fraction), unitsPerSecond: UInt64(unitsPerSecond))
        }
        self.offset = dataStart + Int(captured)
        return PacketRecord(
            timestamp: timestamp, linkType: self.linkType, dataStart: dataStart, dataLength: Int(captured),
            originalLength: Int(original), interfaceIndex: 0
        )
    }

    /// Bytes of the file read so far (header included), for progress reports.
    public var bytesConsumed: Int { self.offset }

    /// Size of the whole file.
    public var totalBytes: Int { self.buffer.readableBytes }

    private mutating func stopTruncated(_ message: String) -> PacketRecord? {
        self.truncation = CaptureError(kind: .truncated, message: message, offset: self.offset)
        return nil
    }
}

extension UnsafeRawBufferPointer {
    /// A 32-bit field in the given byte order; the caller has checked the bounds.
    @inline(__always)
    func field(at offset: Int, _ endianness: Endianness) -> UInt32 {
        let value = self.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        return endianness == .little ? UInt32(littleEndian: value) : UInt32(bigEndian: value)
    }

    /// A 16-bit field in the given byte order; the caller has checked the bounds.
    @inline(__always)
    func field16(at offset: Int, _ endianness: Endianness) -> UInt16 {
        let value = self.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
        return endianness == .little ? UInt16(littleEndian: value) : UInt16(bigEndian: value)
    }
}
