import NIOCore

/// Reads a capture file of either format, detected from its first bytes.
///
/// Callers that just want packets should not have to care whether a tool wrote pcap or pcapng.
public struct CaptureFileReader: Sendable {
    public enum Format: Sendable, Hashable {
        case pcap
        case pcapng
    }

    // Two optionals rather than an enum with payloads: `next()` then advances the reader in
    // place instead of copying it out and back for every packet.
    private var pcap: PcapFileReader?
    private var pcapng: PcapNGReader?

    public init(_ bytes: ByteBuffer) throws(CaptureError) {
        guard let magic = bytes.getInteger(at: bytes.readerIndex, endianness: .big, as: UInt32.self) else {
            throw CaptureError(kind: .truncated, message: "file is shorter than a magic number (\(bytes.readableBytes) bytes)", offset: 0)
        }
        if magic == PcapNGReader.sectionHeaderType {
            self.pcapng = try PcapNGReader(bytes)
        } else if PcapFileReader.recognise(magicBigEndian: magic) != nil {
            self.pcap = try PcapFileReader(bytes)
        } else {
            throw CaptureError(kind: .unknownFormat, message: "neither pcap nor pcapng (magic 0x\(String(magic, radix: 16)))", offset: 0)
        }
    }

    public init(bytes: [UInt8]) throws(CaptureError) {
        try self.init(ByteBuffer(bytes: bytes))
    }

    public var format: Format {
        self.pcap != nil ? .pcap : .pcapng
    }

    /// Set once `next()` has returned `nil` because the file ended inside a record or block.
    public var truncation: CaptureError? {
        self.pcap?.truncation ?? self.pcapng?.truncation
    }

    /// Bytes of the file read so far, for progress reports.
    public var bytesConsumed: Int {
        self.pcap?.bytesConsumed ?? self.pcapng?.bytesConsumed ?? 0
    }

    /// Size of the whole file.
    public var totalBytes: Int {
        self.pcap?.totalBytes ?? self.pcapng?.totalBytes ?? 0
    }

    /// Returns the next packet, or `nil` at the end of the file (check `truncation`).
    public mutating func next() throws(CaptureError) -> CapturedPacket? {
        if self.pcap != nil {
            return try self.pcap!.next()
        }
        return try self.pcapng?.next()
    }

    /// The next packet's record, its data located in the file rather than sliced out of it.
    mutating func nextRecord() throws(CaptureError) -> PacketRecord? {
        if self.pcap != nil {
            return try self.pcap!.nextRecord()
        }
        return try self.pcapng?.nextRecord()
    }
}
