/// Which ports mean which ZooKeeper protocol. Connections on other ports are
/// still recognised by their first bytes (see `ProtocolGuess`).
public struct TrafficPorts: Hashable, Sendable {
    public var client: Set<UInt16>
    public var quorum: Set<UInt16>
    public var election: Set<UInt16>

    public init(client: Set<UInt16> = [2181], quorum: Set<UInt16> = [2888], election: Set<UInt16> = [3888]) {
        self.client = client
        self.quorum = quorum
        self.election = election
    }

    func protocolOf(port: UInt16) -> TrafficProtocol? {
        if client.contains(port) { return .client }
        if quorum.contains(port) { return .quorum }
        if election.contains(port) { return .election }
        return nil
    }
}

/// The three TCP protocols a ZooKeeper server speaks.
public enum TrafficProtocol: String, Hashable, Sendable, CaseIterable {
    /// Client port (2181): sessions, requests, replies, watch events, four-letter words.
    case client
    /// Quorum port (2888): ZAB between leader and learners.
    case quorum
    /// Election port (3888): fast leader election.
    case election
}
