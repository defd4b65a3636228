import NIOCore
import ZooKeeperProtocol

/// What the session machine asks its driver to do, in order.
public enum ClientAction: Sendable {
    /// Open a connection to this server, then call `connectionEstablished`
    /// (or `connectionFailed`).
    case connect(ServerAddress)
    /// Write these bytes (whole frames) on the current connection.
    case send(ByteBuffer)
    /// Close the current connection; `reason` says why when it is a failure.
    case closeConnection(reason: String?)
    /// The reply to the request with this token (its err may be non-zero).
    case reply(RequestToken, ServerReply)
    /// The request with this token will not be answered.
    case fail(RequestToken, ErrorCode)
    /// Deliver an event to these watchers; state events (type None) also go
    /// to the session's default watcher.
    case event(WatchedEvent, watchers: Set<WatcherID>)
    /// Ask this server "isro" on a connection of its own (plain 4lw, as
    /// Java 3.8's client does; TLS when the client uses TLS, as 3.9's), at
    /// most a second, then call `probeFinished` with whether it said "rw".
    case probeReadWrite(ServerAddress)
}

/// Names a request from `submit` to its `.reply` or `.fail`. Wire xids are
/// chosen only when a request is sent, so a token is not an xid.
public struct RequestToken: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public var description: String { "request#\(rawValue)" }
}
