import NIOCore
import ZooKeeperJute

/// The election-port protocol version that opens an initial message.
public struct ElectionProtocolVersion: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    /// 3.5+: server id and one "host:port" election address.
    public static let v1 = ElectionProtocolVersion(-65536)
    /// 3.6+ with multi-address: addresses joined by "|".
    public static let v2 = ElectionProtocolVersion(-65535)

    public var description: String {
        switch self {
        case .v1: "v1"
        case .v2: "v2"
        default: "unknown(\(rawValue))"
        }
    }
}

/// What the connecting peer sends first on the election port
/// (`QuorumCnxManager.startConnection`, parsed by `handleConnection`).
public struct InitialMessage: Hashable, Sendable {
    /// nil for the pre-3.5 form: the server id alone (a non-negative long).
    public var protocolVersion: ElectionProtocolVersion?
    public var serverId: Int64
    /// The election address text as sent; nil in the pre-3.5 form.
    public var addressBytes: ByteBuffer?

    /// Java's `QuorumCnxManager.maxBuffer`: the longest address text accepted.
    public static let maxAddressLength = 2048

    public init(protocolVersion: ElectionProtocolVersion?, serverId: Int64, addressBytes: ByteBuffer?) {
        self.protocolVersion = protocolVersion
        self.serverId = serverId
        self.addressBytes = addressBytes
    }

    public init(protocolVersion: ElectionProtocolVersion, serverId: Int64, address: String) {
        self.init(protocolVersion: protocolVersion, serverId: serverId, addressBytes: ByteBuffer(string: address))
    }

    /// The address text ("host:port", or several joined by "|" in v2).
    public var address: String? { addressBytes.map { String(buffer: $0) } }
    /// The addresses, split as Java splits them.
    public var addresses: [String] { address?.split(separator: "|", omittingEmptySubsequences: false).map(String.init) ?? [] }

    /// Reads a whole initial message, or returns nil consuming nothing.
    public static func read(from buffer: inout ByteBuffer) throws(QuorumProtocolError) -> InitialMessage? {
        var reader = buffer
        guard let first = reader.readInteger(endianness: .big, as: Int64.self) else { return nil }
        if first >= 0 {
            buffer = reader
            return InitialMessage(protocolVersion: nil, serverId: first, addressBytes: nil)
        }
        let version = ElectionProtocolVersion(first)
        guard version == .v1 || version == .v2 else {
            throw QuorumProtocolError(.unknownProtocolVersion, detail: "\(first)")
        }
        guard let serverId = reader.readInteger(endianness: .big, as: Int64.self),
              let length = reader.readInteger(endianness: .big, as: Int32.self) else { return nil }
        guard length > 0, Int(length) <= maxAddressLength else {
            throw QuorumProtocolError(.invalidAddressLength, detail: "\(length), limit \(maxAddressLength)")
        }
        guard let address = reader.readSlice(length: Int(length)) else { return nil }
        buffer = reader
        return InitialMessage(protocolVersion: version, serverId: serverId, addressBytes: address)
    }

    public func write(to buffer: inout ByteBuffer) {
        guard let protocolVersion else {
            buffer.writeJuteLong(serverId)
            return
        }
        buffer.writeJuteLong(protocolVersion.rawValue)
        buffer.writeJuteLong(serverId)
        var address = addressBytes ?? ByteBuffer()
        buffer.writeJuteInt(Int32(address.readableBytes))
        buffer.writeBuffer(&address)
    }
}
