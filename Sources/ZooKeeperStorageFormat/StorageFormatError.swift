import ZooKeeperJute

/// Why a txn log or snapshot could not be read.
public struct StorageFormatError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: Hashable, Sendable {
            case truncated, badMagic, invalidRecord, negativeCount, nullPath, checksumMismatch
            case badSeal, trailingBytes, midFileCorruption, badCompression
        }
        fileprivate let base: Base

        /// The input ended inside a value (only raised once the caller says no more bytes will come).
        public static let truncated = Kind(base: .truncated)
        /// The file header's magic is not the one this kind of file has.
        public static let badMagic = Kind(base: .badMagic)
        /// Bytes that do not decode as the Jute record expected there; `jute` says why.
        public static let invalidRecord = Kind(base: .invalidRecord)
        /// A session or ACL-cache count below zero (Java never writes one).
        public static let negativeCount = Kind(base: .negativeCount)
        /// A node path that is the null string.
        public static let nullPath = Kind(base: .nullPath)
        /// A snapshot seal whose Adler-32 does not match the bytes before it.
        public static let checksumMismatch = Kind(base: .checksumMismatch)
        /// A snapshot seal not followed by the "/" marker, or a trailer no seal accounts for.
        public static let badSeal = Kind(base: .badSeal)
        /// Bytes after a complete snapshot.
        public static let trailingBytes = Kind(base: .trailingBytes)
        /// A damaged txn log record with valid records after it; `damage` describes it.
        public static let midFileCorruption = Kind(base: .midFileCorruption)
        /// A compressed snapshot (gz, snappy) whose compressed stream is damaged.
        public static let badCompression = Kind(base: .badCompression)

        public var description: String {
            switch base {
            case .truncated: "truncated"
            case .badMagic: "bad magic"
            case .invalidRecord: "invalid record"
            case .negativeCount: "negative count"
            case .nullPath: "null path"
            case .checksumMismatch: "checksum mismatch"
            case .badSeal: "bad seal"
            case .trailingBytes: "trailing bytes"
            case .midFileCorruption: "mid-file corruption"
            case .badCompression: "bad compression"
            }
        }
    }

    public var kind: Kind
    /// Byte offset in the file (or, for a bare snapshot body, in the body) where the problem starts.
    public var offset: Int
    public var detail: String
    /// The Jute error underneath, for `invalidRecord`.
    public var jute: JuteError?
    /// The damaged record, for `midFileCorruption`.
    public var damage: TxnLogDamage?

    public init(_ kind: Kind, offset: Int, detail: String = "", jute: JuteError? = nil, damage: TxnLogDamage? = nil) {
        self.kind = kind
        self.offset = offset
        self.detail = detail
        self.jute = jute
        self.damage = damage
    }

    public var description: String {
        var text = "\(kind) at offset \(offset)"
        if !detail.isEmpty { text += ": \(detail)" }
        if let jute { text += " (\(jute))" }
        if let damage { text += " (\(damage))" }
        return text
    }
}
