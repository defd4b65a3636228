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
