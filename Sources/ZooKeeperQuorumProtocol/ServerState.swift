/// A peer's state in an election notification (`QuorumPeer.ServerState`'s
/// ordinal). Open: Java drops notifications with other values, this keeps them.
public struct ServerState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    public static let looking = ServerState(0)
    public static let following = ServerState(1)
    public static let leading = ServerState(2)
    public static let observing = ServerState(3)

    public var name: String? {
        switch self {
        case .looking: "LOOKING"
        case .following: "FOLLOWING"
        case .leading: "LEADING"
        case .observing: "OBSERVING"
        default: nil
        }
    }

    public var description: String { name ?? "unknown(\(rawValue))" }
}
