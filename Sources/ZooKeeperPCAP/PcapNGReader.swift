import NIOCore

/// Reads pcapng files held in memory.
///
/// Handles several sections (each with its own byte order and interfaces), Interface Description
/// Blocks with `if_tsresol`/`if_tsoffset`, Enhanced, Simple and obsolete Packet Blocks, and skips
/// every other block type. A truncated tail ends iteration and is reported through `truncation`.
public struct PcapNGReader: Sendable {
    /// What the reader knows about one interface of the current section.
    public struct Interface: Sendable, Equatable {
        public var linkType: LinkType
        public var snapLength: UInt32
        /// Timestamp ticks per second (from `if_tsresol`, default 10^6).
        public var unitsPerSecond: UInt64
        /// Seconds added to every timestamp (from `if_tsoffset`).
        public var offsetSeconds: Int64
    }

    /// Byte order of the current section.
    public private(set) var endianness: Endianness
    /// Interfaces of the current section, indexed by interface ID.
    public private(set) var interfaces: [Interface] = []
    /// How many Section Header Blocks have been read so far.
    public private(set) var sectionCount = 0
    /// Set once `next()` has returned `nil` because the file ended inside a block.
    public private(set) var truncation: CaptureError?

    private let file: FileBytes
    private var buffer: ByteBuffer { self.file.buffer }
    private var offset = 0

    static let sectionHeaderType: UInt32 = 0x0A0D_0D0A
    static let byteOrderMagic: UInt32 = 0x1A2B_3C4D
    /// Block type and length precede every block's body.
    static let blockHeaderLength = 8

    public init(_ bytes: ByteBuffer) throws(CaptureError) {
        let file = FileBytes(bytes)
        guard let type = file.buffer.getInteger(at: 0, endianness: .big, as: UInt32.self) else {
            throw CaptureError(kind: .truncated, message: "file is shorter than a block type", offset: 0)
        }
        guard type == Self.sectionHeaderType else {
            throw CaptureError(kind: .unknownFormat, message: "pcapng must start with a Section Header Block", offset: 0)
        }
        guard let order = file.buffer.getInteger(at: 8, endianness: .big, as: UInt32.self) else {
            throw CaptureError(kind: .truncated, message: "file is shorter than a Section Header Block", offset: 0)
        }
        guard let endianness = Self.endianness(ofByteOrderMagic: order) else {
            throw CaptureError(kind: .malformed, message: "bad byte-order magic 0x\(String(order, radix: 16))", offset: 8)
        }
        self.file = file
        self.endianness = endianness
    }

    public init(bytes: [UInt8]) throws(CaptureError) {
        try self.init(ByteBuffer(bytes: bytes))
    }

    static func endianness(ofByteOrderMagic bigEndianValue: UInt32) -> Endianness? {
        switch bigEndianValue {
        case 0x1A2B_3C4D: return .big
        case 0x4D3C_2B1A: return .little
        default: return nil
        }
    }

    /// Returns the next packet, or `nil` at the end of the file (check `truncation`).
    public mutating func next() throws(CaptureError) -> CapturedPacket? {
        try self.nextRecord().map { $0.packet(in: self.buffer) }
    }

    /// The next packet's record, its data located in the file rather than sliced out of it.
    mutating func nextRecord() throws(CaptureError) -> PacketRecord? {
        while true {
            let remaining = self.buffer.readableBytes - self.offset
            if remaining == 0 || self.truncation != nil {
                return nil
            }
            guard remaining >= 12 else {
                return self.stopTruncated("block header needs 12 bytes, \(remaining) left")
            }
            // Block headers and packet blocks are read straight from the file's bytes (this runs for
            // every packet); only the rare section and interface blocks are sliced out.
            let header = self.file.raw(self.offset..<(self.offset + 12))
            if header.field(at: 0, .big) == Self.sectionHeaderType {
                // The byte order may change at every section; learn it before reading the length.
                guard let endianness = Self.endianness(ofByteOrderMagic: header.field(at: 8, .big)) else {
                    throw CaptureError(kind: .malformed, message: "bad byte-order magic in Section Header Block", offset: self.offset + 8)
                }
                self.endianness = endianness
            }
            let e = self.endianness
            let type = header.field(at: 0, e)
            let length = Int(header.field(at: 4, e))
            guard length >= 12 else {
                throw CaptureError(kind: .malformed, message: "block length \(length) is below the minimum of 12", offset: self.offset + 4)
            }
            guard length <= remaining else {
                return self.stopTruncated("block of type 0x\(String(type, radix: 16)) claims \(length) bytes, \(remaining) left")
            }
            let blockOffset = self.offset
            let bodyStart = blockOffset + Self.blockHeaderLength
            let body = self.file.raw(bodyStart..<(bodyStart + length - 12))
            // Advance first: a malformed block must not make the reader loop on it forever.
            self.offset += length
            switch type {
            case Self.sectionHeaderType:
                try self.readSectionHeader(self.bodySlice(of: body, at: bodyStart), at: blockOffset)
            case 1:
                try self.readInterfaceDescription(self.bodySlice(of: body, at: bodyStart), at: blockOffset)
            case 6:
                return try self.readPacketBlock(body, obsolete: false, at: blockOffset)
            case 3:
                return try self.readSimplePacket(body, at: blockOffset)
            case 2:
                return try self.readPacketBlock(body, obsolete: true, at: blockOffset)
            default:
                continue
            }
        }
    }

    /// A block's body as a buffer (the reader checked that the file holds it).
    private func bodySlice(of body: UnsafeRawBufferPointer, at start: Int) -> ByteBuffer {
        self.buffer.getSlice(at: self.buffer.readerIndex + start, length: body.count) ?? ByteBuffer()
    }

    /// Bytes of the file read so far, for progress reports.
    public var bytesConsumed: Int { self.offset }

    /// Size of the whole file.
    public var totalBytes: Int { self.buffer.readableBytes }

    private mutating func stopTruncated(_ message: String) -> PacketRecord? {
        self.truncation = CaptureError(kind: .truncated, message: message, offset: self.offset)
        return nil
    }

    private mutating func readSectionHeader(_ body: ByteBuffer, at blockOffset: Int) throws(CaptureError) {
        guard let major = body.getInteger(at: 4, endianness: self.endianness, as: UInt16.self) else {
            throw CaptureError(kind: .malformed, message: "Section Header Block too short", offset: blockOffset)
        }
        guard major == 1 else {
            throw CaptureError(kind: .unsupportedVersion, message: "pcapng major version \(major)", offset: blockOffset + 12)
        }
        self.interfaces = []
        self.sectionCount += 1
    }

    private mutating func readInterfaceDescription(_ body: ByteBuffer, at blockOffset: Int) throws(CaptureError) {
        let e = self.endianness
        guard let linkType = body.getInteger(at: 0, endianness: e, as: UInt16.self),
              let snap = body.getInteger(at: 4, endianness: e, as: UInt32.self)
        else {
            throw CaptureError(kind: .malformed, message: "Interface Description Block too short", offset: blockOffset)
        }
        var interface = Interface(linkType: LinkType(rawValue: UInt32(linkType)), snapLength: snap, unitsPerSecond: 1_000_000, offsetSeconds: 0)
        for (code, value) in Self.options(in: body, from: 8, endianness: e) {
            switch code {
            case 9:  // if_tsresol
                guard let resolution = value.getInteger(at: value.readerIndex, as: UInt8.self) else { continue }
                interface.unitsPerSecond = try Self.unitsPerSecond(tsresol: resolution, at: blockOffset)
            case 14:  // if_tsoffset
                if let seconds = value.getInteger(at: value.readerIndex, endianness: e, as: Int64.self) {
                    interface.offsetSeconds = seconds
                }
            default:
                continue
            }
        }
        self.interfaces.append(interface)
    }

    static func unitsPerSecond(tsresol: UInt8, at blockOffset: Int) throws(CaptureError) -> UInt64 {
        let exponent = UInt64(tsresol & 0x7F)
        if tsresol & 0x80 != 0 {
            guard exponent < 64 else {
                throw CaptureError(kind: .malformed, message: "if_tsresol 2^-\(exponent) is too fine", offset: blockOffset)
            }
            return 1 << exponent
        }
        guard exponent <= 19 else {
            throw CaptureError(kind: .malformed, message: "if_tsresol 10^-\(exponent) is too fine", offset: blockOffset)
        }
        var units: UInt64 = 1
        for _ in 0..<exponent { units *= 10 }
        return units
    }

    /// Parses the TLV options that start at `start` in a block body; stops quietly at garbage.
    static func options(in body: ByteBuffer, from start: Int, endianness e: Endianness) -> [(UInt16, ByteBuffer)] {
        var result: [(UInt16, ByteBuffer)] = []
        var position = start
        while let code = body.getInteger(at: body.readerIndex + position, endianness: e, as: UInt16.self),
              let length = body.getInteger(at: body.readerIndex + position + 2, endianness: e, as: UInt16.self),
              code != 0,
              let value = body.getSlice(at: body.readerIndex + position + 4, length: Int(length))
        {
            result.append((code, value))
            position += 4 + (Int(length) + 3) & ~3
        }
        return result
    }

    private func interface(_ id: Int, at blockOffset: Int) throws(CaptureError) -> Interface {
        guard id >= 0, id < self.interfaces.count else {
            throw CaptureError(kind: .malformed, message: "packet refers to undeclared interface \(id)", offset: blockOffset)
        }
        return self.interfaces[id]
    }

    private func packet(
        interfaceID: Int, timestampHigh: UInt32, timestampLow: UInt32, captured: UInt32, original: UInt32,
        bodyLength: Int, dataStart: Int, at blockOffset: Int
    ) throws(CaptureError) -> PacketRecord {
        let interface = try self.interface(interfaceID, at: blockOffset)
        guard Int(captured) <= bodyLength - dataStart else {
            throw CaptureError(kind: .malformed, message: "captured length \(captured) exceeds the block", offset: blockOffset)
        }
        let ticks = UInt64(timestampHigh) << 32 | UInt64(timestampLow)
        return PacketRecord(
            timestamp: .fromTicks(ticks, unitsPerSecond: interface.unitsPerSecond, offsetSeconds: interface.offsetSeconds),
            linkType: interface.linkType,
            dataStart: blockOffset + Self.blockHeaderLength + dataStart,
            dataLength: Int(captured),
            originalLength: Int(original),
            interfaceIndex: interfaceID
        )
    }

    /// An Enhanced Packet Block, or the obsolete Packet Block, which has the same
    /// layout but a 16-bit interface id followed by a 16-bit drop count.
    private func readPacketBlock(_ body: UnsafeRawBufferPointer, obsolete: Bool, at blockOffset: Int) throws(CaptureError) -> PacketRecord {
        let e = self.endianness
        guard body.count >= 20 else {
            throw CaptureError(
                kind: .malformed, message: obsolete ? "Packet Block too short" : "Enhanced Packet Block too short",
                offset: blockOffset)
        }
        let id = obsolete ? Int(body.field16(at: 0, e)) : Int(body.field(at: 0, e))
        return try self.packet(
            interfaceID: id, timestampHigh: body.field(at: 4, e), timestampLow: body.field(at: 8, e),
            captured: body.field(at: 12, e), original: body.field(at: 16, e),
            bodyLength: body.count, dataStart: 20, at: blockOffset
        )
    }

    private func readSimplePacket(_ body: UnsafeRawBufferPointer, at blockOffset: Int) throws(CaptureError) -> PacketRecord {
        guard body.count >= 4 else {
            throw CaptureError(kind: .malformed, message: "Simple Packet Block too short", offset: blockOffset)
        }
        let original = body.field(at: 0, self.endianness)
        let interface = try self.interface(0, at: blockOffset)
        // The captured length is implied: the original length, capped by snap length and block size.
        var captured = min(Int(original), body.count - 4)
        if interface.snapLength > 0 {
            captured = min(captured, Int(interface.snapLength))
        }
        guard captured >= 0 else {
            throw CaptureError(kind: .malformed, message: "Simple Packet Block data unreadable", offset: blockOffset)
        }
        // Simple Packet Blocks carry no timestamp.
        return PacketRecord(
            timestamp: .zero, linkType: interface.linkType, dataStart: blockOffset + Self.blockHeaderLength + 4,
            dataLength: captured, originalLength: Int(original), interfaceIndex: 0
        )
    }
}
