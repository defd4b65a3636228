import ZooKeeperProtocol

/// A watch event addressed to one connection.
public struct WatchDelivery: Hashable, Sendable {
    public var connection: ConnectionID
    public var event: WatcherEvent
}

/// Java's pair of watch managers (data and child) and the rules that decide
/// which of them a change fires.
public struct WatchManager {
    var data = WatchTable()
    var child = WatchTable()

    public init() {}

    public static func event(_ type: EventType, _ path: String) -> WatcherEvent {
        WatcherEvent(type: type.rawValue, state: KeeperState.syncConnected.rawValue, path: path)
    }

    mutating func addData(_ path: String, _ watcher: ConnectionID) { data.add(path, watcher: watcher, mode: .standard) }
    mutating func addChild(_ path: String, _ watcher: ConnectionID) { child.add(path, watcher: watcher, mode: .standard) }

    /// addWatch registers in both tables, as Java does.
    mutating func addPersistent(_ path: String, _ watcher: ConnectionID, mode: WatchMode) {
        data.add(path, watcher: watcher, mode: mode)
        child.add(path, watcher: watcher, mode: mode)
    }

    public mutating func removeConnection(_ watcher: ConnectionID) {
        data.removeWatcher(watcher)
        child.removeWatcher(watcher)
    }

    /// createNode: NodeCreated on the path, NodeChildrenChanged on the parent.
    mutating func nodeCreated(_ path: String, into deliveries: inout [WatchDelivery]) {
        fire(data.trigger(path, childrenChanged: false), .nodeCreated, path, into: &deliveries)
        let parent = DataTree.split(path).parent
        fire(child.trigger(parent, childrenChanged: true), .nodeChildrenChanged, parent, into: &deliveries)
    }

    /// deleteNode: NodeDeleted to data and child watchers of the path (once
    /// per watcher), NodeChildrenChanged on the parent.
    mutating func nodeDeleted(_ path: String, into deliveries: inout [WatchDelivery]) {
        let fromData = data.trigger(path, childrenChanged: false)
        fire(fromData, .nodeDeleted, path, into: &deliveries)
        let suppressed = Set(fromData)
        fire(child.trigger(path, childrenChanged: false).filter { !suppressed.contains($0) }, .nodeDeleted, path, into: &deliveries)
        let parent = DataTree.split(path).parent
        fire(child.trigger(parent, childrenChanged: true), .nodeChildrenChanged, parent, into: &deliveries)
    }

    mutating func dataChanged(_ path: String, into deliveries: inout [WatchDelivery]) {
        fire(data.trigger(path, childrenChanged: false), .nodeDataChanged, path, into: &deliveries)
    }

    /// Java collects a trigger's watchers in a set: one event per connection.
    private func fire(_ watchers: [ConnectionID], _ type: EventType, _ path: String, into deliveries: inout [WatchDelivery]) {
        guard !watchers.isEmpty else { return }
        let event = Self.event(type, path)
        var seen = Set<ConnectionID>()
        for watcher in watchers where seen.insert(watcher).inserted {
            deliveries.append(WatchDelivery(connection: watcher, event: event))
        }
    }

    /// WatcherType 1 (children), 2 (data), 3 (any).
    func contains(_ path: String, type: Int32, watcher: ConnectionID) -> Bool {
        switch type {
        case 1: child.contains(path, watcher: watcher)
        case 2: data.contains(path, watcher: watcher)
        case 3: child.contains(path, watcher: watcher) || data.contains(path, watcher: watcher)
        default: false
        }
    }

    mutating func remove(_ path: String, type: Int32, watcher: ConnectionID) -> Bool {
        switch type {
        case 1: return child.remove(path, watcher: watcher)
        case 2: return data.remove(path, watcher: watcher)
        case 3:
            let removedChild = child.remove(path, watcher: watcher)
            let removedData = data.remove(path, watcher: watcher)
            return removedChild || removedData
        default: return false
        }
    }

    public var dataWatchCount: Int { data.watchCount }
    public var childWatchCount: Int { child.watchCount }
}
