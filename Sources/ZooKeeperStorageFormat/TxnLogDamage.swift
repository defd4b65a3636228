/// A txn log record that cannot be read.
public struct TxnLogDamage: Hashable, Sendable, CustomStringConvertible {
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: Hashable, Sendable {
            case truncated, unreasonableLength, missingEndOfRecord, checksumMismatch, undecodableEntry
        }
        fileprivate let base: Base

        /// The file ends inside the record.
        public static let truncated = Kind(base: .truncated)
        /// A length below zero or over the Jute limit (Java: "Unreasonable length").
        public static let unreasonableLength = Kind(base: .unreasonableLength)
        /// The byte after the entry is not 'B' (Java: "Last transaction was partial").
        public static let missingEndOfRecord = Kind(base: .missingEndOfRecord)
        /// The stored Adler-32 differs from the entry's (Java: "CRC check failed").
        public static let checksumMismatch = Kind(base: .checksumMismatch)
        /// The checksum holds but the entry is not a transaction.
        public static let undecodableEntry = Kind(base: .undecodableEntry)

        public var description: String {
            switch base {
            case .truncated: "truncated record"
            case .unreasonableLength: "unreasonable length"
            case .missingEndOfRecord: "missing end-of-record byte"
            case .checksumMismatch: "checksum mismatch"
            case .undecodableEntry: "undecodable entry"
            }
        }
    }

    public var kind: Kind
    /// Offset of the record's checksum field from the start of the file.
    public var offset: Int
    public var detail: String

    public init(_ kind: Kind, offset: Int, detail: String = "") {
        self.kind = kind
        self.offset = offset
        self.detail = detail
    }

    public var description: String {
        detail.isEmpty ? "\(kind) at offset \(offset)" : "\(kind) at offset \(offset): \(detail)"
    }
}

/// How the readable part of a txn log ended.
public enum TxnLogEnd: Hashable, Sendable {
    /// The file ended right after a record.
    case endOfFile(offset: Int)
    /// A zero length: the preallocated padding starts here (Java's EOF marker).
    case zeroPadding(offset: Int)
    /// The last record was cut short or damaged and nothing valid follows it,
    /// as after a crash mid-write. Java stops reading here too.
    case tornTail(TxnLogDamage)

    /// Where the valid records end.
    public var offset: Int {
        switch self {
        case .endOfFile(let offset), .zeroPadding(let offset): offset
        case .tornTail(let damage): damage.offset
        }
    }
}
