import NIOCore
import ZooKeeperProtocol

/// A client request a learner forwards to the leader (`Learner.request`).
public struct LearnerRequest: Hashable, Sendable {
    public var sessionId: Int64
    public var cxid: Int32
    public var type: OpCode
    /// The client's request record, as the client sent it (no header).
    public var request: ByteBuffer

    public init(sessionId: Int64, cxid: Int32, type: OpCode, request: ByteBuffer) {
        self.sessionId = sessionId
        self.cxid = cxid
        self.type = type
        self.request = request
    }
}

/// A session a learner reports as alive in its PING reply, with its timeout.
public struct SessionTouch: Hashable, Sendable {
    public var sessionId: Int64
    public var timeout: Int32

    public init(sessionId: Int64, timeout: Int32) {
        self.sessionId = sessionId
        self.timeout = timeout
    }
}

/// REVALIDATE from a learner (`Learner.validateSession`).
public struct RevalidateRequest: Hashable, Sendable {
    public var sessionId: Int64
    public var timeout: Int32

    public init(sessionId: Int64, timeout: Int32) {
        self.sessionId = sessionId
        self.timeout = timeout
    }
}

/// REVALIDATE back from the leader (`Leader.revalidateSession`).
public struct RevalidateReply: Hashable, Sendable {
    public var sessionId: Int64
    public var valid: Bool

    public init(sessionId: Int64, valid: Bool) {
        self.sessionId = sessionId
        self.valid = valid
    }
}
