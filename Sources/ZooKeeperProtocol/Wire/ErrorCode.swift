/// A result code (`KeeperException.Code`). Open, like `OpCode`.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    public static let ok = ErrorCode(0)
    public static let systemError = ErrorCode(-1)
    public static let runtimeInconsistency = ErrorCode(-2)
    public static let dataInconsistency = ErrorCode(-3)
    public static let connectionLoss = ErrorCode(-4)
    public static let marshallingError = ErrorCode(-5)
    public static let unimplemented = ErrorCode(-6)
    public static let operationTimeout = ErrorCode(-7)
    public static let badArguments = ErrorCode(-8)
    public static let unknownSession = ErrorCode(-12)
    public static let newConfigNoQuorum = ErrorCode(-13)
    public static let reconfigInProgress = ErrorCode(-14)
    public static let apiError = ErrorCode(-100)
    public static let noNode = ErrorCode(-101)
    public static let noAuth = ErrorCode(-102)
    public static let badVersion = ErrorCode(-103)
    public static let noChildrenForEphemerals = ErrorCode(-108)
    public static let nodeExists = ErrorCode(-110)
    public static let notEmpty = ErrorCode(-111)
    public static let sessionExpired = ErrorCode(-112)
    public static let invalidCallback = ErrorCode(-113)
    public static let invalidACL = ErrorCode(-114)
    public static let authFailed = ErrorCode(-115)
    public static let sessionMoved = ErrorCode(-118)
    public static let notReadOnly = ErrorCode(-119)
    public static let ephemeralOnLocalSession = ErrorCode(-120)
    public static let noWatcher = ErrorCode(-121)
    public static let requestTimeout = ErrorCode(-122)
    public static let reconfigDisabled = ErrorCode(-123)
    public static let sessionClosedRequireSaslAuth = ErrorCode(-124)
    public static let quotaExceeded = ErrorCode(-125)
    public static let throttledOp = ErrorCode(-127)

    /// Every code of ZooKeeper 3.9: the code, its name (KeeperException.Code's
    /// constant name as clients print it) and the message Java's
    /// KeeperException puts in front of the path.
    public static let known: [(code: ErrorCode, name: String, message: String)] = [
        (.ok, "Ok", "ok"),
        (.systemError, "SystemError", "SystemError"),
        (.runtimeInconsistency, "RuntimeInconsistency", "RuntimeInconsistency"),
        (.dataInconsistency, "DataInconsistency", "DataInconsistency"),
        (.connectionLoss, "ConnectionLoss", "ConnectionLoss"),
        (.marshallingError, "MarshallingError", "MarshallingError"),
        (.unimplemented, "Unimplemented", "Unimplemented"),
        (.operationTimeout, "OperationTimeout", "OperationTimeout"),
        (.badArguments, "BadArguments", "BadArguments"),
        (.unknownSession, "UnknownSession", "Unknown error UNKNOWNSESSION"),
        (.newConfigNoQuorum, "NewConfigNoQuorum", "NewConfigNoQuorum"),
        (.reconfigInProgress, "ReconfigInProgress", "ReconfigInProgress"),
        (.apiError, "APIError", "APIError"),
        (.noNode, "NoNode", "NoNode"),
        (.noAuth, "NoAuth", "NoAuth"),
        (.badVersion, "BadVersion", "BadVersion"),
        (.noChildrenForEphemerals, "NoChildrenForEphemerals", "NoChildrenForEphemerals"),
        (.nodeExists, "NodeExists", "NodeExists"),
        (.notEmpty, "NotEmpty", "Directory not empty"),
        (.sessionExpired, "SessionExpired", "Session expired"),
        (.invalidCallback, "InvalidCallback", "Invalid callback"),
        (.invalidACL, "InvalidACL", "InvalidACL"),
        (.authFailed, "AuthFailed", "AuthFailed"),
        (.sessionMoved, "SessionMoved", "Session moved"),
        (.notReadOnly, "NotReadOnly", "Not a read-only call"),
        (.ephemeralOnLocalSession, "EphemeralOnLocalSession", "Ephemeral node on local session"),
        (.noWatcher, "NoWatcher", "No such watcher"),
        (.requestTimeout, "RequestTimeout", "Unknown error REQUESTTIMEOUT"),
        (.reconfigDisabled, "ReconfigDisabled", "Reconfig is disabled"),
        (.sessionClosedRequireSaslAuth, "SessionClosedRequireSaslAuth", "Session closed because client failed to authenticate"),
        (.quotaExceeded, "QuotaExceeded", "Quota has exceeded"),
        (.throttledOp, "ThrottledOp", "Op throttled due to high load"),
    ]

    private static let table: [Int32: (name: String, message: String)] = Dictionary(
        uniqueKeysWithValues: known.map { ($0.code.rawValue, ($0.name, $0.message)) }
    )

    public var name: String? { Self.table[rawValue]?.name }
    /// Java's message for the code; "Unknown error <n>" as Java has none for unknown codes.
    public var message: String { Self.table[rawValue]?.message ?? "Unknown error \(rawValue)" }

    public init?(name: String) {
        guard let match = Self.known.first(where: { $0.name == name }) else { return nil }
        self = match.code
    }

    public var description: String { name ?? "unknown(\(rawValue))" }
}
