import ZooKeeperProtocol

/// A failed operation: Java's KeeperException, by code.
public struct ZooKeeperError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: ErrorCode
    /// The path the operation named, when it named one.
    public var path: String?
    /// For a failed multi: every op's result (the failing one and those rolled back).
    public var results: [OpResult]?

    public init(_ code: ErrorCode, path: String? = nil, results: [OpResult]? = nil) {
        self.code = code
        self.path = path
        self.results = results
    }

    /// Java's KeeperException.getMessage() (no " for" with no path or an empty one).
    public var description: String {
        "KeeperErrorCode = \(code.message)" + (path.flatMap { $0.isEmpty ? nil : " for \($0)" } ?? "")
    }
}

/// A client-side refusal before anything is sent (Java's IllegalArgumentException).
public struct ZooKeeperArgumentError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
