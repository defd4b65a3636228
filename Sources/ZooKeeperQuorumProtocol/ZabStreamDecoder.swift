import NIOCore
import ZooKeeperJute
import ZooKeeperProtocol
import ZooKeeperStorageFormat

/// One thing read from a ZAB-port connection.
public enum ZabStreamItem: Hashable, Sendable {
    case quorumAuth(QuorumAuthPacket)
    case packet(ZabMessage)
    /// A piece of the snapshot that follows a SNAP packet.
    case snapshot(SnapshotBodyItem)
    /// The string after the snapshot ("BenWasHere").
    case snapshotSignature(String)
}

/// Decodes one direction of one ZAB (2888) connection: QuorumPackets back
/// to back with no length prefix (a BinaryOutputArchive on the socket),
/// preceded by QuorumAuthPackets when quorum SASL is on, and after a SNAP
/// packet the serialized snapshot and its signature (`LearnerHandler.run`).
///
/// `next` returns nil and consumes nothing until a whole item is buffered;
/// the snapshot comes item by item, so it may be far larger than the buffer.
public struct ZabStreamDecoder: Sendable {
    private enum Phase: Hashable, Sendable {
        case start
        case packets
        case snapshot
        case signature
    }

    /// What `LearnerHandler` writes after the snapshot and `Learner` checks.
    public static let snapshotSignature = "BenWasHere"

    private var phase: Phase = .start
    private var snapshot: SnapshotBodyDecoder
    private let limits: JuteLimits

    public init(limits: JuteLimits = .default) {
        self.limits = limits
        self.snapshot = SnapshotBodyDecoder(limits: limits)
    }

    /// The decoder of the snapshot in progress (or last read), for its counts.
    public var snapshotDecoder: SnapshotBodyDecoder { snapshot }

    public mutating func next(from buffer: inout ByteBuffer) throws(QuorumProtocolError) -> ZabStreamItem? {
        switch phase {
        case .start:
            guard let isAuth = QuorumAuth.startsWithAuthPacket(buffer) else { return nil }
            if isAuth {
                return try QuorumAuth.read(from: &buffer, limits: limits).map { .quorumAuth($0) }
            }
            phase = .packets
            return try next(from: &buffer)
        case .packets:
            guard let packet = try Self.readPacket(from: &buffer, limits: limits) else { return nil }
            if QuorumPacketType(packet.type) == .snap {
                phase = .snapshot
                snapshot = SnapshotBodyDecoder(limits: limits)
            }
            return .packet(ZabMessage(packet: packet, limits: limits))
        case .snapshot:
            let item: SnapshotBodyItem?
            do throws(StorageFormatError) {
                item = try snapshot.next(from: &buffer)
            } catch {
                throw QuorumProtocolError(.invalidSnapshot, storage: error)
            }
            guard let item else { return nil }
            if snapshot.isComplete { phase = .signature }
            return .snapshot(item)
        case .signature:
            let signature: String?
            do throws(JuteError) {
                signature = try buffer.readJuteRecordlessUString(limits: limits)
            } catch where error.kind == .truncated {
                return nil
            } catch {
                throw QuorumProtocolError(.badSnapshotSignature, jute: error)
            }
            guard signature == Self.snapshotSignature else {
                throw QuorumProtocolError(.badSnapshotSignature, detail: signature ?? "null")
            }
            phase = .packets
            return .snapshotSignature(Self.snapshotSignature)
        }
    }

    /// Reads one QuorumPacket, or nil (consuming nothing) if it is not all there.
    public static func readPacket(from buffer: inout ByteBuffer, limits: JuteLimits = .default) throws(QuorumProtocolError) -> QuorumPacket? {
        // One pass when the packet is all there (nearly always); only a packet
        // that does not decode is walked again, to tell "need more bytes" from
        // an error.
        do throws(JuteError) {
            return try buffer.readJuteRewinding { (reader: inout JuteReader) throws(JuteError) -> QuorumPacket in
                try QuorumPacket(juteReader: &reader, limits: limits)
            }
        } catch {
            return try judgeInvalidPacket(buffer, error, limits: limits)
        }
    }

    /// A packet that did not decode: nil if its bytes are not all there yet,
    /// else the error. The lengths are walked without building anything: the
    /// authinfo vector's count must not be judged against a partial buffer.
    private static func judgeInvalidPacket(_ buffer: ByteBuffer, _ error: JuteError, limits: JuteLimits) throws(QuorumProtocolError) -> QuorumPacket? {
        var skim = JuteSkim(buffer, limits: limits)
        do throws(JuteError) {
            guard skim.skip(12), try skim.skipBuffer(field: "QuorumPacket.data") else { return nil }
            guard try skim.skipVector(field: "QuorumPacket.authinfo", { (s: inout JuteSkim) throws(JuteError) in try s.skipId() }) else {
                return nil
            }
        } catch {
            throw QuorumProtocolError(.invalidPacket, jute: error)
        }
        throw QuorumProtocolError(.invalidPacket, jute: error)
    }
}

extension ByteBuffer {
    /// A ustring read on its own, rewinding on error.
    fileprivate mutating func readJuteRecordlessUString(limits: JuteLimits) throws(JuteError) -> String? {
        let saved = readerIndex
        do throws(JuteError) {
            return try readJuteUString(limits: limits, field: "signature")
        } catch {
            moveReaderIndex(to: saved)
            throw error
        }
    }
}
