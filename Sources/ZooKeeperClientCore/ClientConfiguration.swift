import NIOCore
import ZooKeeperProtocol

/// How a client connects; everything the session machine needs besides time.
public struct ClientConfiguration: Sendable {
    public var connectString: ConnectString
    /// The session timeout the client asks for, in milliseconds.
    public var sessionTimeout: Int32
    /// Accept a read-only server (the ConnectRequest's readOnly flag).
    public var canBeReadOnly: Bool
    /// The largest frame accepted from the server (`jute.maxbuffer`).
    public var maxFrameLength: Int
    /// Seeds the host shuffle and the reconnect jitter, so runs can be replayed.
    public var randomSeed: UInt64
    /// Java shuffles the host list once, when the client is created.
    public var shuffleHosts: Bool
    /// A session to resume (id and 16-byte password), as Java's constructor
    /// taking sessionId and sessionPasswd; nil for a new session.
    public var resumeSession: (id: Int64, password: ByteBuffer)?
    /// A DIGEST-MD5 login run after every handshake, before any other request.
    public var sasl: SASLCredentials?
    /// Requests sent and not yet answered, at most; later ones wait in the
    /// client, in order. Java's client has no bound; the server's
    /// globalOutstandingLimit (1000) is the same idea on the other side.
    public var maxOutstandingRequests: Int
    /// After Expired, start a new session instead of ending (Curator's
    /// "new session" policy): watches are dropped, auth is replayed, and
    /// requests wait for the new session. Java's client ends at Expired.
    public var renewExpiredSession: Bool

    public init(
        connectString: ConnectString,
        sessionTimeout: Int32,
        canBeReadOnly: Bool = false,
        maxFrameLength: Int = Frame.defaultMaxLength,
        randomSeed: UInt64 = UInt64.random(in: .min ... .max),
        shuffleHosts: Bool = true,
        resumeSession: (id: Int64, password: ByteBuffer)? = nil,
        sasl: SASLCredentials? = nil,
        maxOutstandingRequests: Int = 1000,
        renewExpiredSession: Bool = false
    ) {
        self.renewExpiredSession = renewExpiredSession
        self.maxOutstandingRequests = max(maxOutstandingRequests, 1)
        self.sasl = sasl
        self.resumeSession = resumeSession
        self.connectString = connectString
        self.sessionTimeout = sessionTimeout
        self.canBeReadOnly = canBeReadOnly
        self.maxFrameLength = maxFrameLength
        self.randomSeed = randomSeed
        self.shuffleHosts = shuffleHosts
    }
}

/// Java's client constants (ClientCnxn, StaticHostProvider).
public enum ClientTiming {
    /// A ping goes out at least this often, whatever the timeout (ms).
    public static let maxSendPingInterval: Int64 = 10_000
    /// Pause after trying every host in turn (StaticHostProvider spin delay, ms).
    public static let spinDelay: Int64 = 1_000
    /// Reconnects wait a random time below this (ms), so clients do not stampede.
    public static let reconnectJitter: Int64 = 1_000
    /// SetWatches batches are cut once their paths reach this many characters.
    public static let setWatchesMaxLength = 128 * 1024
    /// Read-only sessions probe for a read-write server after this long,
    /// doubling each time up to the maximum (ClientCnxn.pingRwTimeout, ms).
    public static let minReadWriteProbeInterval: Int64 = 100
    public static let maxReadWriteProbeInterval: Int64 = 60_000
    /// How long a probe may take (Java's socket timeout for isro, ms).
    public static let readWriteProbeTimeout: Int64 = 1_000
}

/// A small, seedable generator (SplitMix64): deterministic in tests.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
