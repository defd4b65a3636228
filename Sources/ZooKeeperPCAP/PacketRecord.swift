import NIOCore

/// A packet record located in its file: what `CapturedPacket` holds, but with the data as a
/// range of the file instead of a slice, so streaming can hold many without reference counting.
struct PacketRecord {
    var timestamp: CaptureTimestamp
    var linkType: LinkType
    /// Where the captured bytes start, counted from the file's first byte.
    var dataStart: Int
    var dataLength: Int
    var originalLength: Int
    var interfaceIndex: Int

    /// The record with its data sliced out of `file` (the readers checked the range).
    func packet(in file: ByteBuffer) -> CapturedPacket {
        CapturedPacket(
            timestamp: self.timestamp, linkType: self.linkType,
            data: file.getSlice(at: file.readerIndex + self.dataStart, length: self.dataLength) ?? ByteBuffer(),
            originalLength: self.originalLength, interfaceIndex: self.interfaceIndex
        )
    }
}
