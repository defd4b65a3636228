import NIOCore

/// Reads Jute values from a `ByteBuffer`'s readable bytes through one open
/// view of them, rather than one `ByteBuffer` call per integer.
///
/// Why: every `ByteBuffer.readInteger` reaches the buffer's storage object,
/// which costs a dynamic exclusivity check (`swift_beginAccess`) per call; a
/// record of a dozen fields paid a dozen. `ByteBuffer.readJute` opens the
/// bytes once (`withUnsafeReadableBytes`) and the reads below index into them.
///
/// Safety: `bytes` is the view `withUnsafeReadableBytes` hands to `readJute`,
/// and a reader exists only inside that call (`readJute` takes a non-escaping
/// closure and the reader cannot be built outside this module). Every read
/// checks `offset + size <= bytes.count` before it touches memory, and
/// `offset` only ever moves forward by a size so checked, so no read leaves
/// the view. Lengths from the input are checked against `JuteLimits` before
/// they are used, as `ByteBuffer`'s Jute readers check them.
public struct JuteReader {
    /// The readable bytes of `buffer`, valid for the duration of `readJute`.
    @usableFromInline let bytes: UnsafeRawBufferPointer
    /// The buffer `bytes` belongs to, for slices (buffers and unknown bodies come out as slices, no copy).
    @usableFromInline let buffer: ByteBuffer
    /// The index in `buffer` of `bytes[0]`.
    @usableFromInline let base: Int
    /// Bytes read so far; always `0...bytes.count`.
    @usableFromInline var offset: Int

    @inlinable
    init(bytes: UnsafeRawBufferPointer, buffer: ByteBuffer, base: Int) {
        self.bytes = bytes
        self.buffer = buffer
        self.base = base
        self.offset = 0
    }

    /// Bytes read so far.
    @inlinable
    public var bytesRead: Int { offset }

    /// Bytes left to read.
    @inlinable
    public var readableBytes: Int { bytes.count &- offset }

    @inlinable
    func truncated(_ field: StaticString, need: Int) -> JuteError {
        JuteError.truncated(field, need: need, have: readableBytes)
    }

    /// A fixed-width big-endian integer; the bounds check comes first.
    @inlinable @inline(__always)
    mutating func load<T: FixedWidthInteger>(_: T.Type, field: StaticString) throws(JuteError) -> T {
        let size = MemoryLayout<T>.size
        guard readableBytes >= size else { throw truncated(field, need: size) }
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset &+= size
        return T(bigEndian: value)
    }

    @inlinable @inline(__always)
    public mutating func readInt(field: StaticString = "int") throws(JuteError) -> Int32 {
        try load(Int32.self, field: field)
    }

    @inlinable @inline(__always)
    public mutating func readLong(field: StaticString = "long") throws(JuteError) -> Int64 {
        try load(Int64.self, field: field)
    }

    /// Java's DataInput.readBoolean: any non-zero byte is true.
    @inlinable @inline(__always)
    public mutating func readBool(field: StaticString = "boolean") throws(JuteError) -> Bool {
        try load(UInt8.self, field: field) != 0
    }

    /// A length, -1 meaning null, checked as Java's BinaryInputArchive.checkLength does.
    @inlinable @inline(__always)
    mutating func readLength(limits: JuteLimits, field: StaticString) throws(JuteError) -> Int? {
        let length = try readInt(field: field)
        if length == -1 { return nil }
        guard length >= 0 else {
            throw JuteError(.negativeLength, field: field, detail: .length(Int(length)))
        }
        guard Int(length) <= limits.maxLength else {
            throw JuteError(.lengthExceedsLimit, field: field, detail: .lengthOverLimit(Int(length), limits.maxLength))
        }
        return Int(length)
    }

    /// `length` bytes as a slice of the buffer (no copy); the caller checked `length >= 0`.
    @inlinable
    mutating func slice(length: Int, field: StaticString) throws(JuteError) -> ByteBuffer {
        guard readableBytes >= length,
              let slice = buffer.getSlice(at: base &+ offset, length: length)
        else { throw truncated(field, need: length) }
        offset &+= length
        return slice
    }

    /// A length-prefixed byte buffer, as a slice of the buffer (no copy).
    @inlinable
    public mutating func readBuffer(limits: JuteLimits = .default, field: StaticString = "buffer") throws(JuteError) -> ByteBuffer? {
        guard let length = try readLength(limits: limits, field: field) else { return nil }
        return try slice(length: length, field: field)
    }

    /// A length-prefixed UTF-8 string. Invalid UTF-8 is replaced as Java replaces it
    /// (the same decoding as `ByteBuffer.readString`).
    @inlinable
    public mutating func readUString(limits: JuteLimits = .default, field: StaticString = "ustring") throws(JuteError) -> String? {
        guard let length = try readLength(limits: limits, field: field) else { return nil }
        guard readableBytes >= length else { throw truncated(field, need: length) }
        let string = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset &+ length)]), as: UTF8.self)
        offset &+= length
        return string
    }

    /// A count-prefixed vector, checked as `ByteBuffer.readJuteVector` checks it:
    /// a count whose elements could not fit in `limits.maxLength` is refused, one
    /// that cannot fit in the bytes at hand is truncated, and storage is reserved
    /// only for elements that could be present.
    @inlinable
    public mutating func readVector<Element>(
        minimumElementSize: Int,
        limits: JuteLimits = .default,
        field: StaticString = "vector",
        _ readElement: (inout JuteReader) throws(JuteError) -> Element
    ) throws(JuteError) -> [Element]? {
        guard let count = try readVectorCount(minimumElementSize: minimumElementSize, limits: limits, field: field) else {
            return nil
        }
        var elements: [Element] = []
        elements.reserveCapacity(count)
        for _ in 0..<count {
            elements.append(try readElement(&self))
        }
        return elements
    }

    /// A vector's count, -1 meaning null, checked against the limit and the bytes left.
    @inlinable
    public mutating func readVectorCount(minimumElementSize: Int, limits: JuteLimits, field: StaticString) throws(JuteError) -> Int? {
        let count = try readInt(field: field)
        if count == -1 { return nil }
        guard count >= 0 else {
            throw JuteError(.negativeLength, field: field, detail: .count(Int(count)))
        }
        let elementSize = max(minimumElementSize, 1)
        guard Int(count) <= limits.maxLength / elementSize else {
            throw JuteError(.lengthExceedsLimit, field: field, detail: .countOverLimit(Int(count), limits.maxLength))
        }
        guard Int(count) * elementSize <= readableBytes else {
            throw truncated(field, need: Int(count) * elementSize)
        }
        return Int(count)
    }

    /// The bytes left, as a slice, without consuming them.
    @inlinable
    public var remainingBytes: ByteBuffer {
        buffer.getSlice(at: base &+ offset, length: readableBytes) ?? ByteBuffer()
    }

    /// The bytes left, as a slice, all consumed.
    @inlinable
    public mutating func readRest() -> ByteBuffer {
        // `base + bytes.count <= buffer.writerIndex`, so the slice is in range.
        let rest = buffer.getSlice(at: base &+ offset, length: readableBytes) ?? ByteBuffer()
        offset = bytes.count
        return rest
    }

    /// A record read through this reader.
    @inlinable
    public mutating func readRecord<Record: JuteRecord>(_: Record.Type = Record.self, limits: JuteLimits) throws(JuteError) -> Record {
        try Record(juteReader: &self, limits: limits)
    }

    /// Reads with `body` and keeps what it read only if it succeeds: on error
    /// this reader is where it was.
    @inlinable
    public mutating func rewinding<T>(_ body: (inout JuteReader) throws(JuteError) -> T) throws(JuteError) -> T {
        let saved = offset
        do {
            return try body(&self)
        } catch {
            offset = saved
            throw error
        }
    }

    /// A reader over the next `length` bytes, for a length-delimited value;
    /// this reader moves past them. It lives no longer than this one (same view).
    @inlinable
    public mutating func subReader(length: Int, field: StaticString) throws(JuteError) -> JuteReader {
        guard length >= 0, readableBytes >= length else { throw truncated(field, need: length) }
        let sub = JuteReader(
            bytes: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset &+ length)]),
            buffer: buffer, base: base &+ offset
        )
        offset &+= length
        return sub
    }
}

extension ByteBuffer {
    /// Runs `body` with a `JuteReader` over the readable bytes, then moves the
    /// reader index past what it read. On error the reader index is where the
    /// failure happened, as with the `readJute...` methods; use
    /// `readJuteRewinding` to leave the buffer untouched on error.
    @inlinable
    public mutating func readJute<T>(_ body: (inout JuteReader) throws(JuteError) -> T) throws(JuteError) -> T {
        let (result, read) = withUnsafeReadableBytes { (bytes) -> (Result<T, JuteError>, Int) in
            var reader = JuteReader(bytes: bytes, buffer: self, base: readerIndex)
            do throws(JuteError) {
                return (.success(try body(&reader)), reader.offset)
            } catch {
                return (.failure(error), reader.offset)
            }
        }
        moveReaderIndex(forwardBy: read)
        return try result.get()
    }

    /// `readJute`, but on error the buffer is left as it was.
    @inlinable
    public mutating func readJuteRewinding<T>(_ body: (inout JuteReader) throws(JuteError) -> T) throws(JuteError) -> T {
        let (result, read) = withUnsafeReadableBytes { (bytes) -> (Result<T, JuteError>, Int) in
            var reader = JuteReader(bytes: bytes, buffer: self, base: readerIndex)
            do throws(JuteError) {
                return (.success(try body(&reader)), reader.offset)
            } catch {
                return (.failure(error), 0)
            }
        }
        moveReaderIndex(forwardBy: read)
        return try result.get()
    }

    /// For stream decoders: runs `body`, and moves the reader index past what
    /// it read only when it returns a value. When it returns nil (not all
    /// there yet) or throws, the buffer is left as it was.
    @inlinable
    public mutating func readJuteMessage<T>(_ body: (inout JuteReader) throws(JuteError) -> T?) throws(JuteError) -> T? {
        let (result, read) = withUnsafeReadableBytes { (bytes) -> (Result<T?, JuteError>, Int) in
            var reader = JuteReader(bytes: bytes, buffer: self, base: readerIndex)
            do throws(JuteError) {
                let value = try body(&reader)
                return (.success(value), value == nil ? 0 : reader.offset)
            } catch {
                return (.failure(error), 0)
            }
        }
        moveReaderIndex(forwardBy: read)
        return try result.get()
    }

    /// `readJute` on a copy: reads the readable bytes without moving this buffer.
    @inlinable
    public func peekJute<T, Failure: Error>(_ body: (inout JuteReader) throws(Failure) -> T) throws(Failure) -> T {
        try withUnsafeReadableBytes { (bytes) throws(Failure) -> T in
            var reader = JuteReader(bytes: bytes, buffer: self, base: readerIndex)
            return try body(&reader)
        }
    }
}
