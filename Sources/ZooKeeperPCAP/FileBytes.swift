import NIOCore

/// A capture file's bytes with a pointer to them, for the reads done for every packet.
///
/// Reading through `ByteBuffer` costs a dynamic exclusivity check per access (its storage is a
/// class), which for small packets costs as much as decoding their headers. The pointer comes
/// from `withUnsafeReadableBytesWithStorageManagement`, which allows keeping the bytes past the
/// closure as long as their storage lives: `buffer` holds it, and as a `let` it never writes, so
/// the storage is neither freed nor moved while this value exists.
struct FileBytes: @unchecked Sendable {
    /// The bytes, indexed from 0; slices of it share the pointer's storage.
    let buffer: ByteBuffer
    private let base: UnsafeRawPointer?

    init(_ bytes: ByteBuffer) {
        self.buffer = bytes.slice()
        self.base = self.buffer.withUnsafeReadableBytesWithStorageManagement { raw, _ in UnsafeRawPointer(raw.baseAddress) }
    }

    var count: Int { self.buffer.readableBytes }

    /// The bytes `range` (within `0..<count`, which the caller has checked).
    @inline(__always)
    func raw(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: self.base.map { $0 + range.lowerBound }, count: range.count)
    }
}

/// Slices packets' bytes out of a capture file as reading moves forward through it.
struct PacketSlicer {
    /// The copy of the file that slices past `directSliceLimit` are taken from.
    private var chunk = ByteBuffer()
    /// Where `chunk` starts in the file.
    private var chunkStart = 0

    /// NIO keeps a slice's start in 24 bits: a slice starting past 16 MiB into its storage
    /// cannot share it, and `getSlice` copies its bytes into storage of their own.
    static let directSliceLimit = 1 << 24
    /// How much of the file past `directSliceLimit` is copied at a time.
    static let chunkSize = 1 << 20

    /// The bytes `offset..<(offset + length)` of `file` as a buffer, nil if they are not all in it.
    ///
    /// Within the first 16 MiB a slice of the file itself. Past them, NIO would copy each
    /// packet's bytes into an allocation of its own; instead the file is copied a chunk at a time,
    /// as reading moves forward, and slices share the current chunk: one allocation per MiB
    /// rather than one per packet. Bytes before the current chunk (a packet placed back in time
    /// order) are copied on their own, as NIO would have done.
    mutating func slice(of file: FileBytes, at offset: Int, length: Int) -> ByteBuffer? {
        guard offset >= 0, length >= 0, length <= file.count - offset else { return nil }
        if offset + length <= Self.directSliceLimit {
            return file.buffer.getSlice(at: file.buffer.readerIndex + offset, length: length)
        }
        if offset < self.chunkStart {
            return Self.copy(file.raw(offset..<(offset + length)))
        }
        if offset + length > self.chunkStart + self.chunk.readableBytes {
            let size = min(file.count - offset, max(Self.chunkSize, length))
            self.chunk = Self.copy(file.raw(offset..<(offset + size)))
            self.chunkStart = offset
        }
        return self.chunk.getSlice(at: self.chunk.readerIndex + offset - self.chunkStart, length: length)
    }

    private static func copy(_ bytes: UnsafeRawBufferPointer) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        return buffer
    }
}
