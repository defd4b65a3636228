/// Why a configuration was refused. `message` is Java's own text wherever Java
/// shows one (QuorumPeerConfig, QuorumServer, NumberFormatException), so logs
/// read the same as the Java server's; `key` and `line` say where.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A bad `\uXXXX` escape in the properties text.
        case malformedProperties
        /// Not an integer (Java's `NumberFormatException`).
        case notANumber
        /// An integer outside the Java type's range, or a port outside 0...65535.
        case outOfRange
        /// Not `true`/`false` where QuorumPeerConfig.parseBoolean wants one.
        case invalidBoolean
        /// A value outside the accepted set (electionAlg, peerType, ...).
        case invalidValue
        /// A required setting is absent (dataDir, initLimit, myid, ...).
        case missing
        /// Settings contradict each other.
        case conflict
        /// A `server.N` line that does not parse.
        case invalidServer
        /// The same server id twice (e.g. `server.1` and `server.01`).
        case duplicateServerId
        /// A key not allowed where it appears (server.N beside dynamicConfigFile).
        case misplacedKey
    }

    public var kind: Kind
    /// The key at fault, when one is.
    public var key: String?
    /// 1-based line in the file the key came from, when known.
    public var line: Int?
    /// What is wrong, in Java's words where Java has words for it.
    public var message: String
    /// Which file the line refers to: the static config or the dynamic one.
    public var file: ConfigurationFile

    public init(kind: Kind, key: String?, line: Int?, message: String, file: ConfigurationFile = .config) {
        self.kind = kind
        self.key = key
        self.line = line
        self.message = message
        self.file = file
    }

    public var description: String {
        var place = file.rawValue
        if let line { place += ":\(line)" }
        if let key { place += ": \(key)" }
        return "\(place): \(message)"
    }
}

/// Which of the caller's texts a message refers to.
public enum ConfigurationFile: String, Sendable, Equatable {
    case config = "zoo.cfg"
    case dynamicConfig = "dynamic config"
    case myid = "myid"
    case environment = "environment"
}

/// Something Java logs at WARN (or ERROR without stopping) and carries on.
public struct ConfigurationWarning: Sendable, Equatable, CustomStringConvertible {
    public var key: String?
    public var line: Int?
    /// Java's log text.
    public var message: String

    public init(key: String?, line: Int?, message: String) {
        self.key = key
        self.line = line
        self.message = message
    }

    public var description: String {
        var place = ""
        if let line { place += "zoo.cfg:\(line): " }
        if let key { place += "\(key): " }
        return place + message
    }
}
