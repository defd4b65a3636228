/// Identifies a watcher: Java registers watches per connection, not per session.
public typealias ConnectionID = UInt64

/// How a watch was set: by a read (fires once) or by addWatch.
public enum WatchMode: Hashable, Sendable {
    case standard
    case persistent
    case persistentRecursive

    /// AddWatchMode 0 and 1 (`ZooDefs.AddWatchModes`).
    public init?(addWatchMode: Int32) {
        switch addWatchMode {
        case 0: self = .persistent
        case 1: self = .persistentRecursive
        default: return nil
        }
    }
}

/// One of Java's two WatchManagers (data watches or child watches): watchers
/// by path, each with its mode, and the reverse index to drop a connection.
struct WatchTable {
    private var byPath: [String: [ConnectionID: WatchMode]] = [:]
    private var byWatcher: [ConnectionID: Set<String>] = [:]
    /// While no recursive watch exists, a trigger looks at the path alone.
    private var recursiveCount = 0

    var isEmpty: Bool { byPath.isEmpty }
    var watchCount: Int { byPath.values.reduce(0) { $0 + $1.count } }

    mutating func add(_ path: String, watcher: ConnectionID, mode: WatchMode) {
        let previous = byPath[path, default: [:]].updateValue(mode, forKey: watcher)
        if previous == .persistentRecursive { recursiveCount -= 1 }
        if mode == .persistentRecursive { recursiveCount += 1 }
        byWatcher[watcher, default: []].insert(path)
    }

    func contains(_ path: String, watcher: ConnectionID) -> Bool {
        byPath[path]?[watcher] != nil
    }

    func mode(_ path: String, watcher: ConnectionID) -> WatchMode? { byPath[path]?[watcher] }

    @discardableResult
    mutating func remove(_ path: String, watcher: ConnectionID) -> Bool {
        guard let mode = byPath[path]?.removeValue(forKey: watcher) else { return false }
        if mode == .persistentRecursive { recursiveCount -= 1 }
        if byPath[path]?.isEmpty == true { byPath[path] = nil }
        byWatcher[watcher]?.remove(path)
        if byWatcher[watcher]?.isEmpty == true { byWatcher[watcher] = nil }
        return true
    }

    mutating func removeWatcher(_ watcher: ConnectionID) {
        guard let paths = byWatcher.removeValue(forKey: watcher) else { return }
        for path in paths {
            if byPath[path]?.removeValue(forKey: watcher) == .persistentRecursive { recursiveCount -= 1 }
            if byPath[path]?.isEmpty == true { byPath[path] = nil }
        }
    }

    /// Java's triggerWatch: the path's own watchers, and recursive watchers on
    /// any ancestor (never for NodeChildrenChanged). One-shot watches go.
    mutating func trigger(_ path: String, childrenChanged: Bool) -> [ConnectionID] {
        var fired: [ConnectionID] = []
        var current = path
        var atPath = true
        while true {
            if var watchers = byPath[current] {
                for (watcher, mode) in watchers {
                    switch mode {
                    case .persistentRecursive:
                        if !childrenChanged { fired.append(watcher) }
                    case .persistent:
                        if atPath { fired.append(watcher) }
                    case .standard:
                        if atPath {
                            fired.append(watcher)
                            watchers[watcher] = nil
                            byWatcher[watcher]?.remove(current)
                            if byWatcher[watcher]?.isEmpty == true { byWatcher[watcher] = nil }
                        }
                    }
                }
                byPath[current] = watchers.isEmpty ? nil : watchers
            }
            guard recursiveCount > 0, current != "/" else { break }
            current = DataTree.split(current).parent
            atPath = false
        }
        return fired
    }

    /// Paths watched by each watcher, for `wchc`/`wchp`.
    var pathsByWatcher: [ConnectionID: Set<String>] { byWatcher }
    var watchersByPath: [String: [ConnectionID: WatchMode]] { byPath }
}
