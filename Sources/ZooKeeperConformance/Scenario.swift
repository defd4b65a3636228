import NIOCore
import ZooKeeperProtocol

/// One scenario file: paths to clear before it runs, then steps in order.
public struct Scenario: Hashable, Sendable {
    public var name: String
    /// Paths deleted recursively (unrecorded) before the first step, so a
    /// scenario can run twice against the same server.
    public var cleanup: [String]
    public var steps: [Step]

    public init(name: String, cleanup: [String] = [], steps: [Step] = []) {
        self.name = name
        self.cleanup = cleanup
        self.steps = steps
    }
}

/// One line of a scenario (a multi block counts as the line that opens it).
public struct Step: Hashable, Sendable {
    /// 1-based line in the scenario file.
    public var line: Int
    /// The connection the step acts on; empty for `sleep`.
    public var connection: String
    public var action: Action
    /// The line as written, without its comment (shown in transcripts).
    public var source: String

    public init(line: Int, connection: String, action: Action, source: String = "") {
        self.line = line
        self.connection = connection
        self.action = action
        self.source = source
    }
}

public enum Action: Hashable, Sendable {
    /// Open a TCP connection, send a ConnectRequest, wait for the answer.
    case connect(Handshake)
    /// Open a TCP connection and send nothing.
    case open
    /// Send a request; unless `wait` is false, read until its reply.
    case request(RequestSpec)
    /// Send bytes as they are (frames included).
    case raw([UInt8])
    /// Send a four-letter word on a fresh connection; read the text until the server closes.
    case fourLetterWord(String)
    /// Read this many messages (a close counts and ends the wait).
    case wait(count: Int)
    /// Read until the server closes the connection, at most `milliseconds` (nil: the message timeout).
    case waitClose(milliseconds: Int?)
    /// Read for exactly this long; whatever arrives is recorded (normally nothing).
    case quiet(milliseconds: Int)
    /// Close the socket from the client side, without closeSession.
    case disconnect
    /// Do nothing for this long (bounded by the parser).
    case sleep(milliseconds: Int)
}

/// A zxid given in a scenario: a number, or the highest zxid the scenario has seen so far.
public enum ZxidSpec: Hashable, Sendable {
    case absolute(Int64)
    case last
    /// The highest seen plus this much (a client claiming to be ahead of the server).
    case lastPlus(Int64)
}

public enum PasswordSpec: Hashable, Sendable {
    /// 16 zero bytes (a new session).
    case zero
    /// The password the server gave the resumed connection.
    case same
    /// That password with every byte flipped.
    case wrong
    case bytes([UInt8])
}

public struct Handshake: Hashable, Sendable {
    public var protocolVersion: Int32 = 0
    public var timeout: Int32 = 30000
    /// The connection whose session to resume.
    public var resume: String?
    public var sessionId: Int64?
    public var password: PasswordSpec = .zero
    public var lastZxidSeen: ZxidSpec = .absolute(0)
    public var readOnly = false
    /// Pre-3.4 clients end the request before the readOnly byte.
    public var readOnlyByte = true

    public init() {}
}

public struct RequestSpec: Hashable, Sendable {
    /// nil: the connection's next xid (1, 2, ...).
    public var xid: Int32?
    public var op: OpCode
    public var body: RequestBody
    /// setWatches / setWatches2 relativeZxid, resolved when the step runs.
    public var relativeZxid: ZxidSpec?
    /// false: send and go on (read the reply later with `wait`).
    public var wait: Bool

    public init(xid: Int32? = nil, op: OpCode, body: RequestBody, relativeZxid: ZxidSpec? = nil, wait: Bool = true) {
        self.xid = xid
        self.op = op
        self.body = body
        self.relativeZxid = relativeZxid
        self.wait = wait
    }
}
