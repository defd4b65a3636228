import NIOCore
import ZooKeeperJute

/// The client port's framing: a 4-byte big-endian length, then that many bytes.
///
/// Java's server closes the connection on a length that is negative or over
/// `jute.maxbuffer` (NIOServerCnxn.readLength); so do we, before reading or
/// allocating anything of the claimed size.
public enum Frame {
    /// Java's default `jute.maxbuffer`.
    public static let defaultMaxLength = 0xfffff

    /// The next frame's body as a slice, or nil until all of it has arrived.
    /// Nothing is consumed unless a whole frame is returned; a bad length throws
    /// and consumes nothing.
    public static func read(
        from buffer: inout ByteBuffer,
        maxLength: Int = defaultMaxLength
    ) throws(JuteError) -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: Int32.self) else {
            return nil
        }
        try check(length: length, maxLength: maxLength)
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: Int(length))
    }

    /// Throws for a length Java would refuse.
    public static func check(length: Int32, maxLength: Int = defaultMaxLength) throws(JuteError) {
        guard length >= 0 else {
            throw JuteError(.negativeLength, field: "frame", detail: "length \(length)")
        }
        guard Int(length) <= maxLength else {
            throw JuteError(
                .lengthExceedsLimit, field: "frame",
                detail: "length \(length) is greater than jute.maxbuffer=\(maxLength)"
            )
        }
    }

    /// Writes `body` behind its length prefix.
    @discardableResult
    public static func write(_ body: ByteBuffer, to buffer: inout ByteBuffer) -> Int {
        var body = body
        return buffer.writeJuteInt(Int32(body.readableBytes)) + buffer.writeBuffer(&body)
    }

    /// Writes a frame whose body is produced by `writeBody`, patching the length afterwards.
    @discardableResult
    public static func write(to buffer: inout ByteBuffer, _ writeBody: (inout ByteBuffer) -> Void) -> Int {
        let start = buffer.writerIndex
        buffer.writeJuteInt(0)
        writeBody(&buffer)
        let length = buffer.writerIndex - start - 4
        buffer.setInteger(Int32(length), at: start, endianness: .big)
        return length + 4
    }
}
