import NIOCore
import Testing

// Helpers the test targets share.

// Builders for golden bytes: each call spells one Jute field, big-endian.
public func i32(_ value: Int32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }
public func i64(_ value: Int64) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }
/// A ustring or buffer: 4-byte length, then the bytes.
public func lengthPrefixed(_ bytes: [UInt8]) -> [UInt8] { i32(Int32(bytes.count)) + bytes }
public func ustr(_ text: String) -> [UInt8] { lengthPrefixed(Array(text.utf8)) }

extension ByteBuffer {
    public init(_ bytes: [UInt8]) { self.init(bytes: bytes) }
    public var bytes: [UInt8] { Array(readableBytesView) }
}

/// Every strict prefix must decode to nil and leave the buffer as it was.
public func expectEveryPrefixNeedsMore<T>(
    _ bytes: [UInt8],
    sourceLocation: SourceLocation = #_sourceLocation,
    _ decode: (inout ByteBuffer) throws -> T?
) throws {
    for length in 0..<bytes.count {
        var buffer = ByteBuffer(Array(bytes[..<length]))
        let result = try decode(&buffer)
        #expect(result == nil, "prefix of \(length) bytes decoded", sourceLocation: sourceLocation)
        #expect(buffer.readableBytes == length, "prefix of \(length) bytes consumed some", sourceLocation: sourceLocation)
    }
}

/// Feeds `bytes` one at a time, collecting every item `next` gives.
public func feedByteAtATime<Item>(_ bytes: [UInt8], _ next: (inout ByteBuffer) throws -> Item?) throws -> ([Item], leftover: Int) {
    var buffer = ByteBuffer()
    var items: [Item] = []
    for byte in bytes {
        buffer.writeInteger(byte)
        while let item = try next(&buffer) {
            items.append(item)
        }
    }
    return (items, buffer.readableBytes)
}
