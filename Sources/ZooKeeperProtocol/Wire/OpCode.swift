/// A request type (`ZooDefs.OpCode`). Open: values this build does not know
/// still decode, print and re-encode.
public struct OpCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    public static let notification = OpCode(0)
    public static let create = OpCode(1)
    public static let delete = OpCode(2)
    public static let exists = OpCode(3)
    public static let getData = OpCode(4)
    public static let setData = OpCode(5)
    public static let getACL = OpCode(6)
    public static let setACL = OpCode(7)
    public static let getChildren = OpCode(8)
    public static let sync = OpCode(9)
    public static let ping = OpCode(11)
    public static let getChildren2 = OpCode(12)
    public static let check = OpCode(13)
    public static let multi = OpCode(14)
    public static let create2 = OpCode(15)
    public static let reconfig = OpCode(16)
    public static let checkWatches = OpCode(17)
    public static let removeWatches = OpCode(18)
    public static let createContainer = OpCode(19)
    public static let deleteContainer = OpCode(20)
    public static let createTTL = OpCode(21)
    public static let multiRead = OpCode(22)
    public static let auth = OpCode(100)
    public static let setWatches = OpCode(101)
    public static let sasl = OpCode(102)
    public static let getEphemerals = OpCode(103)
    public static let getAllChildrenNumber = OpCode(104)
    public static let setWatches2 = OpCode(105)
    public static let addWatch = OpCode(106)
    public static let whoAmI = OpCode(107)
    public static let createSession = OpCode(-10)
    public static let closeSession = OpCode(-11)
    public static let error = OpCode(-1)

    /// Every op code ZooKeeper 3.9 defines, with the name ZooDefs.OpCode gives it.
    public static let known: [(OpCode, String)] = [
        (.notification, "notification"), (.create, "create"), (.delete, "delete"), (.exists, "exists"),
        (.getData, "getData"), (.setData, "setData"), (.getACL, "getACL"), (.setACL, "setACL"),
        (.getChildren, "getChildren"), (.sync, "sync"), (.ping, "ping"), (.getChildren2, "getChildren2"),
        (.check, "check"), (.multi, "multi"), (.create2, "create2"), (.reconfig, "reconfig"),
        (.checkWatches, "checkWatches"), (.removeWatches, "removeWatches"),
        (.createContainer, "createContainer"), (.deleteContainer, "deleteContainer"),
        (.createTTL, "createTTL"), (.multiRead, "multiRead"), (.auth, "auth"),
        (.setWatches, "setWatches"), (.sasl, "sasl"), (.getEphemerals, "getEphemerals"),
        (.getAllChildrenNumber, "getAllChildrenNumber"), (.setWatches2, "setWatches2"),
        (.addWatch, "addWatch"), (.whoAmI, "whoAmI"), (.createSession, "createSession"),
        (.closeSession, "closeSession"), (.error, "error"),
    ]

    private static let names: [Int32: String] = Dictionary(
        uniqueKeysWithValues: known.map { ($0.0.rawValue, $0.1) }
    )

    /// The ZooDefs.OpCode name, or nil for a value ZooKeeper does not define.
    public var name: String? { Self.names[rawValue] }

    public init?(name: String) {
        guard let match = Self.known.first(where: { $0.1 == name }) else { return nil }
        self = match.0
    }

    public var description: String { name ?? "unknown(\(rawValue))" }
}
