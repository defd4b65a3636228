import NIOCore
import Testing
import ZooKeeperProtocol
@testable import ZooKeeperServerCore

@Suite struct WatchTests {
    @Test func dataWatchFiresOnceAndBeforeTheReply() {
        let h = StateHarness()
        let c = h.connect()
        h.create(c, "/w")
        _ = h.getData(c, "/w", watch: true)
        let first = h.setData(c, "/w", "1")
        #expect(first.events.map { "\($0.0) \($0.1) \($0.2)" } == ["\(c.id) NodeDataChanged /w"])
        #expect(h.setData(c, "/w", "2").deliveries.isEmpty)
    }

    @Test func existsWatchesAMissingNode() {
        let h = StateHarness()
        let c = h.connect()
        let other = h.connect()
        let exists = h.send(c, .exists, .exists(ExistsRequest(path: "/later", watch: true)))
        #expect(exists.err == .noNode && exists.reply?.body == ResponseBody.none)
        let created = h.create(other, "/later")
        #expect(created.events.map { "\($0.0) \($0.1)" } == ["\(c.id) NodeCreated"])
    }

    @Test func deleteFiresDataAndChildWatchersOnceEach() {
        let h = StateHarness()
        let a = h.connect(), b = h.connect()
        h.create(a, "/p")
        h.create(a, "/p/c")
        _ = h.getData(a, "/p/c", watch: true)
        _ = h.children(a, "/p/c", watch: true)
        _ = h.children(b, "/p", watch: true)
        let deleted = h.delete(a, "/p/c")
        #expect(deleted.events.map { "\($0.0) \($0.1) \($0.2)" } == ["\(a.id) NodeDeleted /p/c", "\(b.id) NodeChildrenChanged /p"])
    }

    @Test func recursiveWatchesSeeDescendantsButNotChildListChanges() {
        let h = StateHarness()
        let a = h.connect(), b = h.connect()
        h.create(b, "/r")
        _ = h.send(a, .addWatch, .addWatch(AddWatchRequest(path: "/r", mode: 1)))
        let created = h.create(b, "/r/x")
        #expect(created.events.map { "\($0.1) \($0.2)" } == ["NodeCreated /r/x"])
        let changed = h.setData(b, "/r/x", "v")
        #expect(changed.events.map { "\($0.1) \($0.2)" } == ["NodeDataChanged /r/x"])
        let again = h.create(b, "/r/y")
        #expect(again.events.count == 1, "persistent watches stay")
    }

    @Test func persistentWatchSeesChildChangesOfItsPathOnly() {
        let h = StateHarness()
        let a = h.connect(), b = h.connect()
        h.create(b, "/p")
        _ = h.send(a, .addWatch, .addWatch(AddWatchRequest(path: "/p", mode: 0)))
        #expect(h.create(b, "/p/x").events.map { "\($0.1) \($0.2)" } == ["NodeChildrenChanged /p"])
        #expect(h.create(b, "/p/x/y").deliveries.isEmpty)
        #expect(h.send(a, .addWatch, .addWatch(AddWatchRequest(path: "/p", mode: 2))).err == .marshallingError)
    }

    @Test func setWatchesFiresWhatWasMissed() {
        let h = StateHarness()
        let a = h.connect()
        h.create(a, "/s")
        h.create(a, "/gone")
        h.delete(a, "/gone")
        let stale = h.send(a, .setWatches, .setWatches(SetWatches(
            relativeZxid: 1, dataWatches: ["/s", "/gone"], existWatches: ["/s"], childWatches: ["/"]
        )))
        #expect(stale.events.map { "\($0.1) \($0.2)" } == ["NodeDataChanged /s", "NodeDeleted /gone", "NodeCreated /s", "NodeChildrenChanged /"])
        let fresh = h.send(a, .setWatches, .setWatches(SetWatches(relativeZxid: h.state.lastZxid, dataWatches: ["/s"], existWatches: [], childWatches: [])))
        #expect(fresh.deliveries.isEmpty)
        #expect(h.setData(a, "/s", "x").events.count == 1)
    }

    @Test func checkAndRemoveWatchesAnswerNoWatcher() {
        let h = StateHarness()
        let a = h.connect()
        h.create(a, "/c")
        #expect(h.send(a, .checkWatches, .checkWatches(CheckWatchesRequest(path: "/c", type: 2))).err == .noWatcher)
        _ = h.getData(a, "/c", watch: true)
        #expect(h.send(a, .checkWatches, .checkWatches(CheckWatchesRequest(path: "/c", type: 3))).err == .ok)
        #expect(h.send(a, .removeWatches, .removeWatches(RemoveWatchesRequest(path: "/c", type: 1))).err == .noWatcher)
        #expect(h.send(a, .removeWatches, .removeWatches(RemoveWatchesRequest(path: "/c", type: 2))).err == .ok)
        #expect(h.setData(a, "/c", "x").deliveries.isEmpty)
    }

    @Test func closedConnectionsLoseTheirWatches() {
        let h = StateHarness()
        let a = h.connect(), b = h.connect()
        h.create(a, "/z")
        _ = h.getData(b, "/z", watch: true)
        h.state.connectionClosed(b.id)
        #expect(h.setData(a, "/z", "x").deliveries.isEmpty)
    }
}
