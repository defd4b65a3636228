import ZooKeeperProtocol

/// Identifies one watcher of the application (a callback, a stream); the
/// client assigns them.
public struct WatcherID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public static func < (a: WatcherID, b: WatcherID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "watcher#\(rawValue)" }
}

/// The client-side table a watch is kept in (ZKWatchManager's five maps).
public struct WatchKind: Hashable, Sendable, CaseIterable, CustomStringConvertible {
    public var rawValue: Int
    private init(_ rawValue: Int) { self.rawValue = rawValue }

    public static let data = WatchKind(0)
    public static let exist = WatchKind(1)
    public static let child = WatchKind(2)
    public static let persistent = WatchKind(3)
    public static let persistentRecursive = WatchKind(4)
    public static let allCases: [WatchKind] = [.data, .exist, .child, .persistent, .persistentRecursive]

    public var description: String {
        ["data", "exist", "child", "persistent", "persistentRecursive"][rawValue]
    }
}

/// An event as the application sees it: client path, no chroot.
public struct WatchedEvent: Hashable, Sendable, CustomStringConvertible {
    public var type: EventType
    public var state: KeeperState
    public var path: String?

    public init(type: EventType, state: KeeperState, path: String?) {
        self.type = type
        self.state = state
        self.path = path
    }

    public var description: String {
        "WatchedEvent state:\(state) type:\(type) path:\(path ?? "null")"
    }
}

/// What a request registers when it succeeds (Java's WatchRegistration):
/// exists registers a data watch on success and an exist watch on NoNode.
public struct WatchRegistration: Hashable, Sendable {
    public enum Target: Hashable, Sendable {
        case data, exists, child, persistent, persistentRecursive
    }
    public var target: Target
    /// Client path.
    public var path: String
    public var watcher: WatcherID

    public init(_ target: Target, path: String, watcher: WatcherID) {
        self.target = target
        self.path = path
        self.watcher = watcher
    }

    /// The table the watch goes to for a reply with `err`, or nil if none.
    public func kind(for err: ErrorCode) -> WatchKind? {
        switch target {
        case .data: err == .ok ? .data : nil
        case .exists: err == .ok ? .data : (err == .noNode ? .exist : nil)
        case .child: err == .ok ? .child : nil
        case .persistent: err == .ok ? .persistent : nil
        case .persistentRecursive: err == .ok ? .persistentRecursive : nil
        }
    }
}

/// The client's watches by path, dispatched as Java's ZKWatchManager does.
public struct WatchTable: Sendable {
    private var paths: [WatchKind: JavaHashOrderedKeys] = [:]
    private var watchers: [WatchKind: [String: Set<WatcherID>]] = [:]

    public init() {}

    public var isEmpty: Bool { WatchKind.allCases.allSatisfy { watchers[$0, default: [:]].isEmpty } }

    public mutating func add(_ kind: WatchKind, path: String, watcher: WatcherID) {
        paths[kind, default: JavaHashOrderedKeys()].insert(path)
        watchers[kind, default: [:]][path, default: []].insert(watcher)
    }

    /// Paths watched in `kind`, in the order Java lists them for SetWatches.
    public func paths(_ kind: WatchKind) -> [String] { paths[kind]?.ordered ?? [] }

    public func watchers(_ kind: WatchKind, path: String) -> Set<WatcherID> { watchers[kind]?[path] ?? [] }

    /// Removes and returns the watchers of `path` in `kind`.
    @discardableResult
    public mutating func removeAll(_ kind: WatchKind, path: String) -> Set<WatcherID> {
        paths[kind]?.remove(path)
        return watchers[kind]?.removeValue(forKey: path) ?? []
    }

    /// Removes one watcher of `path` in `kind`; false if it held none there.
    public mutating func remove(_ kind: WatchKind, path: String, watcher: WatcherID) -> Bool {
        guard watchers[kind]?[path]?.remove(watcher) != nil else { return false }
        if watchers[kind]?[path]?.isEmpty == true { _ = removeAll(kind, path: path) }
        return true
    }

    /// Every watcher the table holds.
    public var allWatchers: Set<WatcherID> {
        var all = Set<WatcherID>()
        for kind in WatchKind.allCases { for set in watchers[kind, default: [:]].values { all.formUnion(set) } }
        return all
    }

    /// The watchers an event goes to; one-shot watches it triggers are removed.
    /// A state event (type None) goes to every watcher and removes none, as
    /// with Java's default of re-setting watches on reconnect.
    public mutating func materialize(_ event: WatchedEvent) -> Set<WatcherID> {
        guard let path = event.path, event.type != .none else { return allWatchers }
        var result = Set<WatcherID>()
        switch event.type {
        case .nodeDataChanged, .nodeCreated:
            result.formUnion(removeAll(.data, path: path))
            result.formUnion(removeAll(.exist, path: path))
            addPersistent(path, recursive: true, to: &result)
        case .nodeChildrenChanged:
            result.formUnion(removeAll(.child, path: path))
            addPersistent(path, recursive: false, to: &result)
        case .nodeDeleted:
            result.formUnion(removeAll(.data, path: path))
            result.formUnion(removeAll(.exist, path: path))
            result.formUnion(removeAll(.child, path: path))
            addPersistent(path, recursive: true, to: &result)
        default:
            break
        }
        return result
    }

    /// Persistent watches on the path; recursive ones on it and every ancestor.
    private func addPersistent(_ path: String, recursive: Bool, to result: inout Set<WatcherID>) {
        result.formUnion(watchers(.persistent, path: path))
        guard recursive else { return }
        var current = path
        while true {
            result.formUnion(watchers(.persistentRecursive, path: current))
            if current == "/" { break }
            let parentEnd = current.lastIndex(of: "/")!
            current = parentEnd == current.startIndex ? "/" : String(current[..<parentEnd])
        }
    }
}
