/// Sessions and their expiry, as Java's SessionTrackerImpl keeps them: expiry
/// times rounded up to the next tick, sessions grouped in one bucket per tick.
/// Time is passed in (milliseconds of a monotonic clock), never read here.
public struct SessionTracker: Sendable {
    public struct Session: Hashable, Sendable {
        public var id: Int64
        public var timeout: Int32
        public var expiresAt: Int64
        /// Set once expiry or closeSession has started; the session takes no more requests.
        public var closing: Bool
    }

    public let tickTime: Int64
    public private(set) var sessions: [Int64: Session] = [:]
    private var buckets: [Int64: Set<Int64>] = [:]
    private var nextExpiration: Int64
    private var nextSessionID: Int64

    /// `serverID` goes in the top byte of every session id; the rest starts
    /// from the clock as Java's initializeNextSessionId does.
    public init(tickTime: Int64, serverID: Int64, now: Int64) {
        self.tickTime = max(tickTime, 1)
        nextExpiration = (now / self.tickTime + 1) * self.tickTime
        var first = Int64(bitPattern: UInt64(bitPattern: now << 24) >> 8) | (serverID << 56)
        if first == EphemeralKind.containerOwner { first += 1 }
        nextSessionID = first
    }

    private func round(_ time: Int64) -> Int64 { (time / tickTime + 1) * tickTime }

    public mutating func create(timeout: Int32, now: Int64) -> Int64 {
        let id = nextSessionID
        nextSessionID += 1
        track(id: id, timeout: timeout, now: now)
        return id
    }

    /// Adds a session with a known id (restored from a snapshot or log).
    public mutating func track(id: Int64, timeout: Int32, now: Int64) {
        let expiresAt = round(now + Int64(timeout))
        sessions[id] = Session(id: id, timeout: timeout, expiresAt: expiresAt, closing: false)
        buckets[expiresAt, default: []].insert(id)
    }

    public func isActive(_ id: Int64) -> Bool {
        guard let session = sessions[id] else { return false }
        return !session.closing
    }

    /// Pushes expiry back; false when the session is gone or closing.
    @discardableResult
    public mutating func touch(_ id: Int64, timeout: Int32? = nil, now: Int64) -> Bool {
        guard var session = sessions[id], !session.closing else { return false }
        let expiresAt = round(now + Int64(timeout ?? session.timeout))
        if expiresAt != session.expiresAt {
            buckets[session.expiresAt]?.remove(id)
            if buckets[session.expiresAt]?.isEmpty == true { buckets[session.expiresAt] = nil }
            buckets[expiresAt, default: []].insert(id)
            session.expiresAt = expiresAt
            sessions[id] = session
        }
        return true
    }

    public mutating func setClosing(_ id: Int64) {
        sessions[id]?.closing = true
    }

    public mutating func remove(_ id: Int64) {
        guard let session = sessions.removeValue(forKey: id) else { return }
        buckets[session.expiresAt]?.remove(id)
        if buckets[session.expiresAt]?.isEmpty == true { buckets[session.expiresAt] = nil }
    }

    /// Sessions whose bucket time has passed, marked closing; the caller
    /// closes them with a txn. Ids come out sorted so runs are repeatable.
    public mutating func expire(now: Int64) -> [Int64] {
        var expired: [Int64] = []
        while now >= nextExpiration {
            if let ids = buckets.removeValue(forKey: nextExpiration) {
                for id in ids.sorted() where sessions[id] != nil {
                    sessions[id]?.closing = true
                    expired.append(id)
                }
            }
            nextExpiration += tickTime
        }
        return expired
    }

    /// How long until the next bucket falls due.
    public func timeUntilNextExpiry(now: Int64) -> Int64 { max(0, nextExpiration - now) }
}
