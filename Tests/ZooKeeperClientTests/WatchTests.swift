import Testing
import ZooKeeperClient
import ZooKeeperProtocol

@Suite struct WatchTests {
    @Test func oneShotWatchesFireOnceWithTheirEventType() async throws {
        try await withServer { server in
            let zk = try await ClientOperationTests.connect(server)
            let other = try await ClientOperationTests.connect(server)
            let root = uniqueRoot("watch")
            try await zk.create(root)
            let existsWatcher = await zk.makeWatcher()
            #expect(try await zk.exists(root + "/n", watcher: existsWatcher) == nil)
            let childWatcher = await zk.makeWatcher()
            _ = try await zk.getChildren(root, watcher: childWatcher)
            try await other.create(root + "/n", data: [1])
            #expect(await next(existsWatcher.events) { $0.type != .none } == WatchedEvent(type: .nodeCreated, state: .syncConnected, path: root + "/n"))
            #expect(await next(childWatcher.events) { $0.type != .none } == WatchedEvent(type: .nodeChildrenChanged, state: .syncConnected, path: root))

            let dataWatcher = await zk.makeWatcher()
            _ = try await zk.getData(root + "/n", watcher: dataWatcher)
            try await other.setData(root + "/n", data: [2])
            try await other.setData(root + "/n", data: [3])
            try await other.delete(root + "/n")
            #expect(await next(dataWatcher.events) { $0.type != .none } == WatchedEvent(type: .nodeDataChanged, state: .syncConnected, path: root + "/n"))
            // One-shot: the second change and the delete do not reach it; a new watch sees the delete.
            let deleteWatcher = await zk.makeWatcher()
            try await other.create(root + "/m")
            _ = try await zk.getData(root + "/m", watcher: deleteWatcher)
            try await other.delete(root + "/m")
            #expect(await next(deleteWatcher.events) { $0.type != .none } == WatchedEvent(type: .nodeDeleted, state: .syncConnected, path: root + "/m"))
            zk.dropWatcher(dataWatcher)
            var rest: [WatchedEvent] = []
            for await event in dataWatcher.events where event.type != .none { rest.append(event) }
            #expect(rest.isEmpty)
            await other.close()
            await zk.close()
        }
    }

    @Test func persistentAndRecursiveWatchesStaySet() async throws {
        try await withServer { server in
            let zk = try await ClientOperationTests.connect(server)
            let other = try await ClientOperationTests.connect(server)
            let root = uniqueRoot("pw")
            try await zk.create(root)
            // A connection holds one watch mode per path on the server, so the two
            // kinds are set on different paths.
            try await zk.create(root + "/t")
            let persistent = await zk.makeWatcher()
            try await zk.addWatch(root, mode: .persistent, watcher: persistent)
            let recursive = await zk.makeWatcher()
            try await zk.addWatch(root + "/t", mode: .persistentRecursive, watcher: recursive)
            try await other.setData(root, data: [1])
            try await other.setData(root, data: [2])
            try await other.create(root + "/a")
            try await other.create(root + "/t/x")
            try await other.create(root + "/t/x/y")
            try await other.setData(root + "/t", data: [1])
            var persistentEvents: [WatchedEvent] = []
            for _ in 0..<3 { if let e = await next(persistent.events, where: { $0.type != .none }) { persistentEvents.append(e) } }
            #expect(persistentEvents.map(\.type) == [.nodeDataChanged, .nodeDataChanged, .nodeChildrenChanged])
            #expect(persistentEvents.map(\.path) == [root, root, root])
            var recursiveEvents: [WatchedEvent] = []
            for _ in 0..<3 { if let e = await next(recursive.events, where: { $0.type != .none }) { recursiveEvents.append(e) } }
            #expect(recursiveEvents.map(\.path) == [root + "/t/x", root + "/t/x/y", root + "/t"])
            #expect(recursiveEvents.map(\.type) == [.nodeCreated, .nodeCreated, .nodeDataChanged])

            try await zk.removeAllWatches(root, type: .any)
            #expect(await next(persistent.events) { $0.type != .none }?.type == .persistentWatchRemoved)
            try await zk.removeAllWatches(root + "/t", type: .any)
            #expect(await next(recursive.events) { $0.type != .none }?.type == .persistentWatchRemoved)
            await #expect(throws: ZooKeeperError(.noWatcher, path: root)) { try await zk.removeAllWatches(root, type: .any) }
            await other.close()
            await zk.close()
        }
    }

    @Test func removeWatchesOfOneType() async throws {
        try await withServer { server in
            let zk = try await ClientOperationTests.connect(server)
            let root = uniqueRoot("rw")
            try await zk.create(root)
            let data = await zk.makeWatcher()
            let child = await zk.makeWatcher()
            _ = try await zk.getData(root, watcher: data)
            _ = try await zk.getChildren(root, watcher: child)
            try await zk.removeAllWatches(root, type: .children)
            #expect(await next(child.events) { $0.type != .none } == WatchedEvent(type: .childWatchRemoved, state: .syncConnected, path: root))
            try await zk.removeAllWatches(root, type: .data)
            #expect(await next(data.events) { $0.type != .none } == WatchedEvent(type: .dataWatchRemoved, state: .syncConnected, path: root))
            await zk.close()
        }
    }

    /// removeWatches for one watcher: checkWatches on the wire; the other
    /// watcher of the same node keeps its watch and hears the change.
    @Test func removeOneWatcherKeepsTheOthers() async throws {
        try await withServer { server in
            let zk = try await ClientOperationTests.connect(server)
            let root = uniqueRoot("rw1")
            try await zk.create(root)
            let first = await zk.makeWatcher()
            let second = await zk.makeWatcher()
            _ = try await zk.getData(root, watcher: first)
            _ = try await zk.exists(root, watcher: second)
            try await zk.removeWatches(root, watcher: first, type: .data)
            #expect(await next(first.events) { $0.type != .none } == WatchedEvent(type: .dataWatchRemoved, state: .syncConnected, path: root))
            await #expect(throws: ZooKeeperError(.noWatcher, path: root)) {
                try await zk.removeWatches(root, watcher: first, type: .data)
            }
            try await zk.setData(root, data: [1])
            #expect(await next(second.events) { $0.type != .none } == WatchedEvent(type: .nodeDataChanged, state: .syncConnected, path: root))
            // The first heard nothing more.
            #expect(await next(first.events, where: { $0.type != .none }, seconds: 0.5) == nil)
            await zk.close()
        }
    }
}
