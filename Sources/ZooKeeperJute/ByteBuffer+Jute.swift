import NIOCore

// Jute's binary encoding (org.apache.jute.BinaryOutputArchive): big-endian
// int and long, one byte per boolean, and for buffers, strings and vectors a
// 4-byte length or count where -1 stands for null.
//
// The readers throw on short or invalid input; each checks exactly what
// `JuteReader` checks, because it is a `JuteReader` read. Callers that must
// leave the buffer untouched on failure go through `readJuteRecord`.

extension ByteBuffer {
    @inlinable
    public mutating func readJuteInt(field: StaticString = "int") throws(JuteError) -> Int32 {
        try readJute { (reader: inout JuteReader) throws(JuteError) in try reader.readInt(field: field) }
    }

    @inlinable
    public mutating func readJuteLong(field: StaticString = "long") throws(JuteError) -> Int64 {
        try readJute { (reader: inout JuteReader) throws(JuteError) in try reader.readLong(field: field) }
    }

    /// Java's DataInput.readBoolean: any non-zero byte is true.
    @inlinable
    public mutating func readJuteBool(field: StaticString = "boolean") throws(JuteError) -> Bool {
        try readJute { (reader: inout JuteReader) throws(JuteError) in try reader.readBool(field: field) }
    }

    /// A length-prefixed byte buffer, returned as a slice of this buffer (no copy).
    @inlinable
    public mutating func readJuteBuffer(
        limits: JuteLimits = .default,
        field: StaticString = "buffer"
    ) throws(JuteError) -> ByteBuffer? {
        try readJute { (reader: inout JuteReader) throws(JuteError) in try reader.readBuffer(limits: limits, field: field) }
    }

    /// A length-prefixed UTF-8 string. Invalid UTF-8 is replaced as Java replaces it.
    @inlinable
    public mutating func readJuteUString(
        limits: JuteLimits = .default,
        field: StaticString = "ustring"
    ) throws(JuteError) -> String? {
        try readJute { (reader: inout JuteReader) throws(JuteError) in try reader.readUString(limits: limits, field: field) }
    }

    /// A count-prefixed vector whose elements are read from this buffer; the
    /// count is checked as `JuteReader.readVector` checks it, before any storage
    /// is reserved.
    @inlinable
    public mutating func readJuteVector<Element>(
        minimumElementSize: Int,
        limits: JuteLimits = .default,
        field: StaticString = "vector",
        _ readElement: (inout ByteBuffer) throws(JuteError) -> Element
    ) throws(JuteError) -> [Element]? {
        let count = try readJute { (reader: inout JuteReader) throws(JuteError) in
            try reader.readVectorCount(minimumElementSize: minimumElementSize, limits: limits, field: field)
        }
        guard let count else { return nil }
        var elements: [Element] = []
        elements.reserveCapacity(count)
        for _ in 0..<count {
            elements.append(try readElement(&self))
        }
        return elements
    }

    // MARK: writing

    @inlinable
    @discardableResult
    public mutating func writeJuteInt(_ value: Int32) -> Int {
        writeInteger(value, endianness: .big)
    }

    @inlinable
    @discardableResult
    public mutating func writeJuteLong(_ value: Int64) -> Int {
        writeInteger(value, endianness: .big)
    }

    @inlinable
    @discardableResult
    public mutating func writeJuteBool(_ value: Bool) -> Int {
        writeInteger(value ? 1 : 0, as: UInt8.self)
    }

    @inlinable
    @discardableResult
    public mutating func writeJuteBuffer(_ value: ByteBuffer?) -> Int {
        guard var value else { return writeJuteInt(-1) }
        return writeJuteInt(Int32(value.readableBytes)) + writeBuffer(&value)
    }

    @inlinable
    @discardableResult
    public mutating func writeJuteUString(_ value: String?) -> Int {
        guard let value else { return writeJuteInt(-1) }
        return writeJuteInt(Int32(value.utf8.count)) + writeString(value)
    }

    @inlinable
    @discardableResult
    public mutating func writeJuteVector<Element>(
        _ elements: [Element]?,
        _ writeElement: (inout ByteBuffer, Element) -> Void
    ) -> Int {
        let start = writerIndex
        guard let elements else { return writeJuteInt(-1) }
        writeJuteInt(Int32(elements.count))
        for element in elements {
            writeElement(&self, element)
        }
        return writerIndex - start
    }
}
