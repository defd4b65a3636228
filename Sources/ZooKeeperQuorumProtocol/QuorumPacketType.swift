/// A ZAB packet type (the constants of `Leader`). Open: unknown values still
/// decode and re-encode.
public struct QuorumPacketType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    public static let request = QuorumPacketType(1)
    public static let proposal = QuorumPacketType(2)
    public static let ack = QuorumPacketType(3)
    public static let commit = QuorumPacketType(4)
    public static let ping = QuorumPacketType(5)
    public static let revalidate = QuorumPacketType(6)
    public static let sync = QuorumPacketType(7)
    public static let inform = QuorumPacketType(8)
    public static let commitAndActivate = QuorumPacketType(9)
    public static let newLeader = QuorumPacketType(10)
    public static let followerInfo = QuorumPacketType(11)
    public static let upToDate = QuorumPacketType(12)
    public static let diff = QuorumPacketType(13)
    public static let trunc = QuorumPacketType(14)
    public static let snap = QuorumPacketType(15)
    public static let observerInfo = QuorumPacketType(16)
    public static let leaderInfo = QuorumPacketType(17)
    public static let ackEpoch = QuorumPacketType(18)
    public static let informAndActivate = QuorumPacketType(19)

    /// Every type with the name `LearnerHandler.packetToString` prints.
    public static let known: [(QuorumPacketType, String)] = [
        (.request, "REQUEST"), (.proposal, "PROPOSAL"), (.ack, "ACK"), (.commit, "COMMIT"),
        (.ping, "PING"), (.revalidate, "REVALIDATE"), (.sync, "SYNC"), (.inform, "INFORM"),
        (.commitAndActivate, "COMMITANDACTIVATE"), (.newLeader, "NEWLEADER"),
        (.followerInfo, "FOLLOWERINFO"), (.upToDate, "UPTODATE"), (.diff, "DIFF"), (.trunc, "TRUNC"),
        (.snap, "SNAP"), (.observerInfo, "OBSERVERINFO"), (.leaderInfo, "LEADERINFO"),
        (.ackEpoch, "ACKEPOCH"), (.informAndActivate, "INFORMANDACTIVATE"),
    ]

    public var name: String? {
        let index = Int(rawValue) - 1
        return Self.known.indices.contains(index) ? Self.known[index].1 : nil
    }

    public var description: String { name ?? "UNKNOWN\(rawValue)" }
}
