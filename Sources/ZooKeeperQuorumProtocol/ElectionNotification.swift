import NIOCore
import ZooKeeperJute

/// A fast-leader-election notification body, in any of the layouts
/// `FastLeaderElection.WorkerReceiver` accepts:
/// - 28 bytes (pre-3.4): state, leader, zxid, electionEpoch;
/// - 40 bytes: + peerEpoch, then 4 bytes Java does not read;
/// - 41+ bytes: + peerEpoch, version, and when version > 1 the config
///   (int length + text). Bytes past what Java reads land in `trailer`.
public struct ElectionNotification: Hashable, Sendable {
    public var state: ServerState
    /// The proposed leader's server id.
    public var leader: Int64
    public var zxid: Int64
    public var electionEpoch: Int64
    /// nil in the 28-byte layout (Java then takes the epoch of `zxid`).
    public var peerEpoch: Int64?
    /// nil in the 28- and 40-byte layouts.
    public var version: Int32?
    /// The sender's quorum config text; only when version > 1.
    public var config: ByteBuffer?
    /// Bytes Java ignores: the last 4 of a 40-byte message, anything after the config.
    public var trailer: ByteBuffer

    /// `Notification.CURRENTVERSION`.
    public static let currentVersion: Int32 = 2

    public init(
        state: ServerState, leader: Int64, zxid: Int64, electionEpoch: Int64,
        peerEpoch: Int64?, version: Int32?, config: ByteBuffer?, trailer: ByteBuffer = ByteBuffer()
    ) {
        self.state = state
        self.leader = leader
        self.zxid = zxid
        self.electionEpoch = electionEpoch
        self.peerEpoch = peerEpoch
        self.version = version
        self.config = config
        self.trailer = trailer
    }

    /// The peer epoch Java uses: sent, or derived from the zxid's high 32 bits.
    public var effectivePeerEpoch: Int64 { peerEpoch ?? (zxid >> 32) }
    public var configText: String? { config.map { String(buffer: $0) } }

    /// Decodes a body exactly as long as the frame said.
    public init(body: ByteBuffer) throws(QuorumProtocolError) {
        // One view of the bytes for all the fields (see `JuteReader`).
        self = try body.peekJute { (reader: inout JuteReader) throws(QuorumProtocolError) -> ElectionNotification in
            try ElectionNotification(reading: &reader)
        }
    }

    private init(reading reader: inout JuteReader) throws(QuorumProtocolError) {
        let capacity = reader.readableBytes
        guard capacity >= 28,
              let state = try? reader.readInt(), let leader = try? reader.readLong(),
              let zxid = try? reader.readLong(), let electionEpoch = try? reader.readLong()
        else {
            throw QuorumProtocolError(.invalidNotification, detail: "\(capacity) bytes, fewer than 28")
        }
        self.state = ServerState(state)
        self.leader = leader
        self.zxid = zxid
        self.electionEpoch = electionEpoch
        peerEpoch = nil
        version = nil
        config = nil
        if capacity != 28 {
            guard let epoch = try? reader.readLong() else {
                throw QuorumProtocolError(.invalidNotification, detail: "\(capacity) bytes cut the peer epoch")
            }
            peerEpoch = epoch
            if capacity != 40 {
                guard let sentVersion = try? reader.readInt() else {
                    throw QuorumProtocolError(.invalidNotification, detail: "\(capacity) bytes cut the version")
                }
                version = sentVersion
                if sentVersion > 1 {
                    guard let length = try? reader.readInt() else {
                        throw QuorumProtocolError(.invalidNotification, detail: "\(capacity) bytes cut the config length")
                    }
                    // Java checks against the whole message size before allocating.
                    guard length >= 0, Int(length) <= capacity, var text = try? reader.subReader(length: Int(length), field: "config") else {
                        throw QuorumProtocolError(.invalidNotification, detail: "config length \(length) in \(capacity) bytes")
                    }
                    config = text.readRest()
                }
            }
        }
        trailer = reader.readRest()
    }

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeJuteInt(state.rawValue)
        buffer.writeJuteLong(leader)
        buffer.writeJuteLong(zxid)
        buffer.writeJuteLong(electionEpoch)
        if let peerEpoch { buffer.writeJuteLong(peerEpoch) }
        if let version { buffer.writeJuteInt(version) }
        if var config {
            buffer.writeJuteInt(Int32(config.readableBytes))
            buffer.writeBuffer(&config)
        }
        var trailer = trailer
        buffer.writeBuffer(&trailer)
    }

    public var body: ByteBuffer {
        var buffer = ByteBuffer()
        write(to: &buffer)
        return buffer
    }

    /// The body with its 4-byte length in front, as `SendWorker.send` writes it.
    public func writeFrame(to buffer: inout ByteBuffer) {
        var body = self.body
        buffer.writeJuteInt(Int32(body.readableBytes))
        buffer.writeBuffer(&body)
    }
}
