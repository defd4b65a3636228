import NIOCore

/// Reads a capture file of either format, detected from its first bytes.
///
/// Callers that just want packets should not have to care whether a tool wrote pcap or pcapng.
public struct CaptureFileReader: Sendable {
    public enum Format: Sendable, Hashable {
        case pcap
        case pcapng
    }

    private enum Underlying: Sendable {
        case pcap(PcapFileReader)
        case pcapng(PcapNGReader)
    }

    private var underlying: Underlying

    public init(_ bytes: ByteBuffer) throws(CaptureError) {
        guard let magic = bytes.getInteger(at: bytes.readerIndex, endianness: .big, as: UInt32.self) else {
            throw CaptureError(kind: .truncated, message: "file is shorter than a magic number (\(bytes.readableBytes) bytes)", offset: 0)
        }
        if magic == PcapNGReader.sectionHeaderType {
            self.underlying = .pcapng(try PcapNGReader(bytes))
        } else if PcapFileReader.recognise(magicBigEndian: magic) != nil {
            self.underlying = .pcap(try PcapFileReader(bytes))
        } else {
            throw CaptureError(kind: .unknownFormat, message: "neither pcap nor pcapng (magic 0x\(String(magic, radix: 16)))", offset: 0)
        }
    }

    public init(bytes: [UInt8]) throws(CaptureError) {
        try self.init(ByteBuffer(bytes: bytes))
    }

    public var format: Format {
        switch self.underlying {
        case .pcap: return .pcap
        case .pcapng: return .pcapng
        }
    }

    /// Set once `next()` has returned `nil` because the file ended inside a record or block.
    public var truncation: CaptureError? {
        switch self.underlying {
        case .pcap(let reader): return reader.truncation
        case .pcapng(let reader): return reader.truncation
        }
    }

    /// Returns the next packet, or `nil` at the end of the file (check `truncation`).
    public mutating func next() throws(CaptureError) -> CapturedPacket? {
        switch self.underlying {
        case .pcap(var reader):
            defer { self.underlying = .pcap(reader) }
            return try reader.next()
        case .pcapng(var reader):
            defer { self.underlying = .pcapng(reader) }
            return try reader.next()
        }
    }
}
