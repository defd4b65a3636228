import NIOCore
import ZooKeeperJute
import ZooKeeperProtocol

/// A QuorumPacket with its data read as its type calls for. `packet` is what
/// was on the wire and what gets written back.
public struct ZabMessage: Hashable, Sendable {
    public var packet: QuorumPacket
    /// The data read per type; `.raw` (or `.none`) when `payloadError` is set.
    public var payload: ZabPayload
    /// Why the data did not read as its type calls for; the stream goes on regardless.
    public var payloadError: QuorumProtocolError?

    public init(packet: QuorumPacket, limits: JuteLimits = .default) {
        // Each stored property is set once, straight from its value: a partial
        // overwrite in a catch made the optimiser copy the whole message.
        let payload: ZabPayload
        let payloadError: QuorumProtocolError?
        do throws(QuorumProtocolError) {
            payload = try ZabPayload(type: QuorumPacketType(packet.type), data: packet.data, limits: limits)
            payloadError = nil
        } catch {
            payload = packet.data.map { .raw($0) } ?? .none
            payloadError = error
        }
        self.packet = packet
        self.payload = payload
        self.payloadError = payloadError
    }

    public init(type: QuorumPacketType, zxid: Int64, payload: ZabPayload, authinfo: [Id]? = nil) {
        self.packet = QuorumPacket(type: type.rawValue, zxid: zxid, data: payload.data, authinfo: authinfo)
        self.payload = payload
        self.payloadError = nil
    }

    public var type: QuorumPacketType { QuorumPacketType(packet.type) }
    public var zxid: Int64 { packet.zxid }

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeJuteRecord(packet)
    }
}
