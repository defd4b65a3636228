import NIOCore

// Jute's binary encoding (org.apache.jute.BinaryOutputArchive): big-endian
// int and long, one byte per boolean, and for buffers, strings and vectors a
// 4-byte length or count where -1 stands for null.
//
// The readers throw on short or invalid input. Callers that must leave the
// buffer untouched on failure go through `readJuteRecord`, which rewinds.

extension ByteBuffer {
    @inlinable
    public mutating func readJuteInt(field: StaticString = "int") throws(JuteError) -> Int32 {
        guard let value = readInteger(endianness: .big, as: Int32.self) else {
            throw JuteError.truncated(field, need: 4, have: readableBytes)
        }
        return value
    }

    @inlinable
    public mutating func readJuteLong(field: StaticString = "long") throws(JuteError) -> Int64 {
        guard let value = readInteger(endianness: .big, as: Int64.self) else {
            throw JuteError.truncated(field, need: 8, have: readableBytes)
        }
        return value
    }

    /// Java's DataInput.readBoolean: any non-zero byte is true.
    @inlinable
    public mutating func readJuteBool(field: StaticString = "boolean") throws(JuteError) -> Bool {
        guard let value = readInteger(as: UInt8.self) else {
            throw JuteError.truncated(field, need: 1, have: readableBytes)
        }
        return value != 0
    }

    /// A length-prefixed byte buffer, returned as a slice of this buffer (no copy).
    @inlinable
    public mutating func readJuteBuffer(
        limits: JuteLimits = .default,
        field: StaticString = "buffer"
    ) throws(JuteError) -> ByteBuffer? {
        guard let length = try readJuteLength(limits: limits, field: field) else { return nil }
        guard let slice = readSlice(length: length) else {
            throw JuteError.truncated(field, need: length, have: readableBytes)
        }
        return slice
    }

    /// A length-prefixed UTF-8 string. Invalid UTF-8 is replaced as Java replaces it.
    @inlinable
    public mutating func readJuteUString(
        limits: JuteLimits = .default,
        field: StaticString = "ustring"
    ) throws(JuteError) -> String? {
        guard let length = try readJuteLength(limits: limits, field: field) else { return nil }
        guard let string = readString(length: length) else {
            throw JuteError.truncated(field, need: length, have: readableBytes)
        }
        return string
    }

    /// A count-prefixed vector. Each element takes at least `minimumElementSize`
    /// bytes, so a count whose elements could not fit in `limits.maxLength` is
    /// refused, and one that cannot fit in the bytes at hand is truncated; storage
    /// is reserved only for elements that could be present.
    @inlinable
    public mutating func readJuteVector<Element>(
        minimumElementSize: Int,
        limits: JuteLimits = .default,
        field: StaticString = "vector",
        _ readElement: (inout ByteBuffer) throws(JuteError) -> Element
    ) throws(JuteError) -> [Element]? {
        let count = try readJuteInt(field: field)
        if count == -1 { return nil }
        guard count >= 0 else {
            throw JuteError(.negativeLength, field: field, detail: .count(Int(count)))
        }
        let elementSize = max(minimumElementSize, 1)
        guard Int(count) <= limits.maxLength / elementSize else {
            throw JuteError(.lengthExceedsLimit, field: field, detail: .countOverLimit(Int(count), limits.maxLength))
        }
        guard Int(count) * elementSize <= readableBytes else {
            throw JuteError.truncated(field, need: Int(count) * elementSize, have: readableBytes)
        }
        var elements: [Element] = []
        elements.reserveCapacity(Int(count))
        for _ in 0..<count {
            elements.append(try readElement(&self))
        }
        return elements
    }

    /// A length, -1 meaning null, checked as Java's BinaryInputArchive.checkLength does.
    @inlinable
    mutating func readJuteLength(limits: JuteLimits, field: StaticString) throws(JuteError) -> Int? {
        let length = try readJuteInt(field: field)
        if length == -1 { return nil }
        guard length >= 0 else {
            throw JuteError(.negativeLength, field: field, detail: .length(Int(length)))
        }
        guard Int(length) <= limits.maxLength else {
            throw JuteError(.lengthExceedsLimit, field: field, detail: .lengthOverLimit(Int(length), limits.maxLength))
        }
        return Int(length)
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
