/// The `flags` of a create request (`CreateMode`).
public struct CreateMode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let persistent = CreateMode(rawValue: 0)
    public static let ephemeral = CreateMode(rawValue: 1)
    public static let persistentSequential = CreateMode(rawValue: 2)
    public static let ephemeralSequential = CreateMode(rawValue: 3)
    public static let container = CreateMode(rawValue: 4)
    public static let persistentWithTTL = CreateMode(rawValue: 5)
    public static let persistentSequentialWithTTL = CreateMode(rawValue: 6)

    public var isEphemeral: Bool { self == .ephemeral || self == .ephemeralSequential }
    public var isSequential: Bool {
        self == .persistentSequential || self == .ephemeralSequential || self == .persistentSequentialWithTTL
    }
    public var isContainer: Bool { self == .container }
    public var isTTL: Bool { self == .persistentWithTTL || self == .persistentSequentialWithTTL }

    public var description: String {
        switch self {
        case .persistent: "PERSISTENT"
        case .ephemeral: "EPHEMERAL"
        case .persistentSequential: "PERSISTENT_SEQUENTIAL"
        case .ephemeralSequential: "EPHEMERAL_SEQUENTIAL"
        case .container: "CONTAINER"
        case .persistentWithTTL: "PERSISTENT_WITH_TTL"
        case .persistentSequentialWithTTL: "PERSISTENT_SEQUENTIAL_WITH_TTL"
        default: "unknown(\(rawValue))"
        }
    }
}

/// ACL permission bits (`ZooDefs.Perms`).
public struct Perms: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let read = Perms(rawValue: 1 << 0)
    public static let write = Perms(rawValue: 1 << 1)
    public static let create = Perms(rawValue: 1 << 2)
    public static let delete = Perms(rawValue: 1 << 3)
    public static let admin = Perms(rawValue: 1 << 4)
    public static let all: Perms = [.read, .write, .create, .delete, .admin]

    /// zkCli's letters: c d r w a.
    public var description: String {
        var letters = ""
        if contains(.create) { letters += "c" }
        if contains(.delete) { letters += "d" }
        if contains(.read) { letters += "r" }
        if contains(.write) { letters += "w" }
        if contains(.admin) { letters += "a" }
        return letters
    }
}

/// `Watcher.Event.EventType`.
public struct EventType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let none = EventType(rawValue: -1)
    public static let nodeCreated = EventType(rawValue: 1)
    public static let nodeDeleted = EventType(rawValue: 2)
    public static let nodeDataChanged = EventType(rawValue: 3)
    public static let nodeChildrenChanged = EventType(rawValue: 4)
    public static let dataWatchRemoved = EventType(rawValue: 5)
    public static let childWatchRemoved = EventType(rawValue: 6)
    public static let persistentWatchRemoved = EventType(rawValue: 7)

    public var description: String {
        switch self {
        case .none: "None"
        case .nodeCreated: "NodeCreated"
        case .nodeDeleted: "NodeDeleted"
        case .nodeDataChanged: "NodeDataChanged"
        case .nodeChildrenChanged: "NodeChildrenChanged"
        case .dataWatchRemoved: "DataWatchRemoved"
        case .childWatchRemoved: "ChildWatchRemoved"
        case .persistentWatchRemoved: "PersistentWatchRemoved"
        default: "unknown(\(rawValue))"
        }
    }
}

/// `Watcher.Event.KeeperState`, as carried in a WatcherEvent.
public struct KeeperState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let unknown = KeeperState(rawValue: -1)
    public static let disconnected = KeeperState(rawValue: 0)
    public static let noSyncConnected = KeeperState(rawValue: 1)
    public static let syncConnected = KeeperState(rawValue: 3)
    public static let authFailed = KeeperState(rawValue: 4)
    public static let connectedReadOnly = KeeperState(rawValue: 5)
    public static let saslAuthenticated = KeeperState(rawValue: 6)
    public static let expired = KeeperState(rawValue: -112)
    public static let closed = KeeperState(rawValue: 7)

    public var description: String {
        switch self {
        case .unknown: "Unknown"
        case .disconnected: "Disconnected"
        case .noSyncConnected: "NoSyncConnected"
        case .syncConnected: "SyncConnected"
        case .authFailed: "AuthFailed"
        case .connectedReadOnly: "ConnectedReadOnly"
        case .saslAuthenticated: "SaslAuthenticated"
        case .expired: "Expired"
        case .closed: "Closed"
        default: "unknown(\(rawValue))"
        }
    }
}

/// The `type` of checkWatches / removeWatches (`Watcher.WatcherType`).
public struct WatcherType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let children = WatcherType(rawValue: 1)
    public static let data = WatcherType(rawValue: 2)
    public static let any = WatcherType(rawValue: 3)
    public static let persistent = WatcherType(rawValue: 4)
    public static let persistentRecursive = WatcherType(rawValue: 5)

    public var description: String {
        switch self {
        case .children: "Children"
        case .data: "Data"
        case .any: "Any"
        case .persistent: "Persistent"
        case .persistentRecursive: "PersistentRecursive"
        default: "unknown(\(rawValue))"
        }
    }
}

/// The `mode` of addWatch (`ZooDefs.AddWatchModes`).
public struct AddWatchMode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let persistent = AddWatchMode(rawValue: 0)
    public static let persistentRecursive = AddWatchMode(rawValue: 1)

    public var description: String {
        switch self {
        case .persistent: "PERSISTENT"
        case .persistentRecursive: "PERSISTENT_RECURSIVE"
        default: "unknown(\(rawValue))"
        }
    }
}
