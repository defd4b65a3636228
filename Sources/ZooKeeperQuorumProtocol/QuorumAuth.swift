import NIOCore
import ZooKeeperJute
import ZooKeeperProtocol

/// Quorum SASL authentication (`quorum.auth.enableSasl`, off by default):
/// when on, QuorumAuthPackets are exchanged before anything else, right
/// after the initial message on the election port and first thing on the
/// ZAB port. Java tells them apart by their leading magic long, as we do.
public enum QuorumAuth {
    /// `QuorumAuth.QUORUM_AUTH_MAGIC_NUMBER`: Java writes `-0xa0dbcafecafe1234L`,
    /// the negation of a hex literal that is itself negative, which is this.
    public static let magic: Int64 = 0x5F24_3501_3501_EDCC

    /// The SASL exchange status codes (`QuorumAuth.Status`).
    public static let statusInProgress: Int32 = 0
    public static let statusSuccess: Int32 = 1
    public static let statusError: Int32 = -1

    /// Whether `buffer` starts with an auth packet: true, false, or nil when
    /// too few bytes are there to say.
    static func startsWithAuthPacket(_ buffer: ByteBuffer) -> Bool? {
        let highHalf = Int32(truncatingIfNeeded: magic >> 32)
        guard let first = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: Int32.self) else { return nil }
        guard first == highHalf else { return false }
        guard let long = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: Int64.self) else { return nil }
        return long == magic
    }

    /// Reads one auth packet, or nil (consuming nothing) when it is not all there.
    static func read(from buffer: inout ByteBuffer, limits: JuteLimits) throws(QuorumProtocolError) -> QuorumAuthPacket? {
        do throws(JuteError) {
            return try buffer.readJuteRecord(QuorumAuthPacket.self, limits: limits)
        } catch where error.kind == .truncated {
            return nil
        } catch {
            throw QuorumProtocolError(.invalidPacket, detail: "QuorumAuthPacket", jute: error)
        }
    }
}
