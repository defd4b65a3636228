import NIOCore
import ZooKeeperJute
import ZooKeeperProtocol

extension ElectionStreamItem {
    /// The item's bytes as they travel on the election port.
    public func write(to buffer: inout ByteBuffer) {
        switch self {
        case .initialMessage(let message): message.write(to: &buffer)
        case .quorumAuth(let packet): packet.writeJute(to: &buffer)
        case .notification(let notification): notification.writeFrame(to: &buffer)
        case .malformedNotification(var body, _):
            buffer.writeJuteInt(Int32(body.readableBytes))
            buffer.writeBuffer(&body)
        }
    }
}

extension ZabStreamItem {
    /// The item's bytes as they travel on the quorum port.
    public func write(to buffer: inout ByteBuffer) {
        switch self {
        case .quorumAuth(let packet): packet.writeJute(to: &buffer)
        case .packet(let message): message.write(to: &buffer)
        case .snapshot(let item): item.write(to: &buffer)
        case .snapshotSignature(let signature): buffer.writeJuteUString(signature)
        }
    }
}
