import NIOCore
import ZooKeeperJute

/// Walks Jute values without building them, to learn whether all their bytes
/// have arrived. A stream decoder needs this for vectors: Jute's vector reader
/// rejects a count the bytes at hand cannot hold, which on a partial buffer
/// would be "need more bytes", not an error.
///
/// Each `skip` returns false when the bytes run out and throws for lengths
/// that can never be valid.
package struct JuteSkim {
    package private(set) var bytes: ByteBuffer
    package let limits: JuteLimits
    private let start: Int

    package init(_ bytes: ByteBuffer, limits: JuteLimits) {
        self.bytes = bytes
        self.limits = limits
        self.start = bytes.readerIndex
    }

    /// Bytes walked so far.
    package var count: Int { bytes.readerIndex - start }

    package mutating func skip(_ length: Int) -> Bool {
        guard bytes.readableBytes >= length else { return false }
        bytes.moveReaderIndex(forwardBy: length)
        return true
    }

    package mutating func int() -> Int32? {
        bytes.readInteger(endianness: .big, as: Int32.self)
    }

    /// A buffer or ustring: length (-1 for null) then bytes, checked as Jute checks it.
    package mutating func skipBuffer(field: String) throws(JuteError) -> Bool {
        guard let length = int() else { return false }
        if length == -1 { return true }
        guard length >= 0 else {
            throw JuteError(.negativeLength, field: field, detail: "length \(length)")
        }
        guard Int(length) <= limits.maxLength else {
            throw JuteError(.lengthExceedsLimit, field: field, detail: "length \(length) over limit \(limits.maxLength)")
        }
        return skip(Int(length))
    }

    package mutating func skipVector(
        field: String,
        _ element: (inout JuteSkim) throws(JuteError) -> Bool
    ) throws(JuteError) -> Bool {
        guard let count = int() else { return false }
        if count == -1 { return true }
        guard count >= 0 else {
            throw JuteError(.negativeLength, field: field, detail: "count \(count)")
        }
        for _ in 0..<count {
            guard try element(&self) else { return false }
        }
        return true
    }

    /// `org.apache.zookeeper.data.Id`: two ustrings.
    package mutating func skipId() throws(JuteError) -> Bool {
        guard try skipBuffer(field: "Id.scheme") else { return false }
        return try skipBuffer(field: "Id.id")
    }

    /// `org.apache.zookeeper.data.ACL`: perms then Id.
    package mutating func skipACL() throws(JuteError) -> Bool {
        guard skip(4) else { return false }
        return try skipId()
    }
}
