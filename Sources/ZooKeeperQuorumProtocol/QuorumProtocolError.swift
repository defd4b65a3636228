import ZooKeeperJute
import ZooKeeperStorageFormat

/// Why quorum traffic (election port or ZAB port) could not be decoded.
public struct QuorumProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: Hashable, Sendable {
            case unknownProtocolVersion, invalidAddressLength, invalidMessageLength, invalidNotification
            case invalidPacket, invalidPayload, invalidSnapshot, badSnapshotSignature
        }
        fileprivate let base: Base

        /// An initial message whose first long is negative but neither protocol version Java knows.
        public static let unknownProtocolVersion = Kind(base: .unknownProtocolVersion)
        /// An initial message address length outside 1...2048 (QuorumCnxManager.maxBuffer).
        public static let invalidAddressLength = Kind(base: .invalidAddressLength)
        /// An election message length outside 1...512 KiB (QuorumCnxManager.PACKETMAXSIZE).
        public static let invalidMessageLength = Kind(base: .invalidMessageLength)
        /// A notification body Java would skip as short or malformed.
        public static let invalidNotification = Kind(base: .invalidNotification)
        /// Bytes on the ZAB port that are not a QuorumPacket (or QuorumAuthPacket).
        public static let invalidPacket = Kind(base: .invalidPacket)
        /// A packet whose data does not hold what its type calls for.
        public static let invalidPayload = Kind(base: .invalidPayload)
        /// The snapshot after a SNAP packet does not decode; `storage` says why.
        public static let invalidSnapshot = Kind(base: .invalidSnapshot)
        /// The string after the snapshot is not "BenWasHere".
        public static let badSnapshotSignature = Kind(base: .badSnapshotSignature)

        public var description: String {
            switch base {
            case .unknownProtocolVersion: "unknown protocol version"
            case .invalidAddressLength: "invalid address length"
            case .invalidMessageLength: "invalid message length"
            case .invalidNotification: "invalid notification"
            case .invalidPacket: "invalid packet"
            case .invalidPayload: "invalid payload"
            case .invalidSnapshot: "invalid snapshot"
            case .badSnapshotSignature: "bad snapshot signature"
            }
        }
    }

    public var kind: Kind
    public var detail: String

    public var jute: JuteError? {
        get { if case .errors(let jute, _) = underlying { jute } else { nil } }
        set { underlying = Underlying(jute: newValue, storage: storage) }
    }

    public var storage: StorageFormatError? {
        get { if case .errors(_, let storage) = underlying { storage } else { nil } }
        set { underlying = Underlying(jute: jute, storage: newValue) }
    }

    /// The errors underneath, out of line: this error sits in every decoded
    /// ZAB message (as `payloadError`) and election item, which are copied
    /// several times each on their way out, so it is kept small.
    private indirect enum Underlying: Hashable, Sendable {
        case errors(JuteError?, StorageFormatError?)

        init?(jute: JuteError?, storage: StorageFormatError?) {
            if jute == nil && storage == nil { return nil }
            self = .errors(jute, storage)
        }
    }

    private var underlying: Underlying?

    public init(_ kind: Kind, detail: String = "", jute: JuteError? = nil, storage: StorageFormatError? = nil) {
        self.kind = kind
        self.detail = detail
        self.underlying = Underlying(jute: jute, storage: storage)
    }

    public var description: String {
        var text = "\(kind)"
        if !detail.isEmpty { text += ": \(detail)" }
        if let jute { text += " (\(jute))" }
        if let storage { text += " (\(storage))" }
        return text
    }
}
