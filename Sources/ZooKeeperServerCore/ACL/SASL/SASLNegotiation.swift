import NIOCore
import ZooKeeperProtocol

/// One connection's SASL requests (opcode 102), answered as
/// ZooKeeperServer.processSasl answers them with a DIGEST-MD5 server.
public struct SASLNegotiation: Sendable {
    public let settings: SASLSettings
    /// Whether enforcement requires the `sasl` scheme (then a failure is answered
    /// SessionClosedRequireSaslAuth rather than AuthFailed).
    public let required: Bool
    public private(set) var server: DigestMD5Server

    public init(settings: SASLSettings, required: Bool, nonce: [UInt8]) {
        self.settings = settings
        self.required = required
        self.server = DigestMD5Server(credentials: settings.credentials, nonce: nonce)
    }

    public struct Outcome: Sendable {
        public var reply: ServerReply
        /// The connection's identities after a completed exchange.
        public var identities: ConnectionIdentities?
        public var close = false
        /// What the Java server logs at info or warn level.
        public var log: [String] = []
    }

    public mutating func respond(xid: Int32, token: [UInt8], identities: ConnectionIdentities) -> Outcome {
        do {
            let answer = try server.evaluate(token)
            var outcome = Outcome(reply: Self.reply(xid, .ok, token: answer))
            if server.isComplete, let user = server.authenticationID {
                let id = settings.authorizationID(for: user)
                var updated = identities
                updated.insert(AuthIdentity(scheme: "sasl", id: id))
                outcome.log.append("adding SASL authorization for authorizationID: \(id)")
                if settings.superUsers.contains(id) {
                    updated.insert(AuthIdentity(scheme: "super", id: ""))
                    outcome.log.append("Authenticated Id '\(id)' as super user")
                }
                outcome.identities = updated
            }
            return outcome
        } catch {
            var log = ["client failed to SASL authenticate: \(error)"]
            if settings.allowFailedClients && !required {
                log.append("Maintaining client connection despite SASL authentication failure.")
                return Outcome(reply: Self.reply(xid, .ok, token: nil), log: log)
            }
            log.append(required
                ? "Closing client connection: the server requires SASL authentication and it failed"
                : "Closing client connection due to SASL authentication failure.")
            let code: ErrorCode = required ? .sessionClosedRequireSaslAuth : .authFailed
            return Outcome(reply: Self.reply(xid, code, token: nil), close: true, log: log)
        }
    }

    static func reply(_ xid: Int32, _ err: ErrorCode, token: [UInt8]?) -> ServerReply {
        let buffer = token.map { ByteBuffer(bytes: $0) }
        return ServerReply(header: ReplyHeader(xid: xid, zxid: 0, err: err.rawValue), op: .sasl, body: .sasl(SetSASLResponse(token: buffer)))
    }
}
