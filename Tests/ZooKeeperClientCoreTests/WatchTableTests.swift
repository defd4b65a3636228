import Testing
import ZooKeeperClientCore
import ZooKeeperProtocol

@Suite struct WatchTableTests {
    /// The order of `new ArrayList<>(hashMap.keySet())` printed by Java 17 for
    /// the same inserts (20 keys: the table has grown to 32 buckets) and the
    /// same remove and re-insert of /app/node3.
    @Test func pathsAreListedInJavaHashMapOrder() {
        var table = WatchTable()
        for i in 0..<20 { table.add(.data, path: "/app/node\(i)", watcher: WatcherID(i)) }
        table.removeAll(.data, path: "/app/node3")
        table.add(.data, path: "/app/node3", watcher: WatcherID(3))
        #expect(table.paths(.data) == [
            "/app/node8", "/app/node7", "/app/node9", "/app/node4", "/app/node13", "/app/node12", "/app/node3",
            "/app/node6", "/app/node15", "/app/node5", "/app/node14", "/app/node0", "/app/node17", "/app/node16",
            "/app/node2", "/app/node19", "/app/node1", "/app/node18", "/app/node11", "/app/node10",
        ])
    }

    @Test func dispatchFollowsZKWatchManager() {
        var table = WatchTable()
        table.add(.data, path: "/a", watcher: WatcherID(1))
        table.add(.exist, path: "/a", watcher: WatcherID(2))
        table.add(.child, path: "/a", watcher: WatcherID(3))
        table.add(.persistent, path: "/a", watcher: WatcherID(4))
        table.add(.persistentRecursive, path: "/", watcher: WatcherID(5))
        func event(_ type: EventType, _ path: String) -> WatchedEvent { WatchedEvent(type: type, state: .syncConnected, path: path) }
        // Child events skip data watches and recursive watches.
        #expect(table.materialize(event(.nodeChildrenChanged, "/a")) == [WatcherID(3), WatcherID(4)])
        #expect(table.materialize(event(.nodeDataChanged, "/a")) == [WatcherID(1), WatcherID(2), WatcherID(4), WatcherID(5)])
        // One-shot watches are gone; persistent ones stay.
        #expect(table.materialize(event(.nodeDeleted, "/a")) == [WatcherID(4), WatcherID(5)])
        #expect(table.materialize(event(.nodeCreated, "/b/c")) == [WatcherID(5)])
        // State events reach every watcher and remove none.
        #expect(table.materialize(WatchedEvent(type: .none, state: .disconnected, path: nil)) == [WatcherID(4), WatcherID(5)])
    }

    @Test func connectStringsParseAsJavaDoes() throws {
        let cs = try ConnectString("h1:2181, h2 ,[::1]:2183/app/x")
        #expect(cs.servers == [ServerAddress(host: "h1", port: 2181), ServerAddress(host: "h2", port: 2181), ServerAddress(host: "::1", port: 2183)])
        #expect(cs.chroot == "/app/x")
        #expect(cs.serverPath("/") == "/app/x")
        #expect(cs.serverPath("/y") == "/app/x/y")
        #expect(cs.clientPath("/app/x") == "/")
        #expect(cs.clientPath("/app/x/y/z") == "/y/z")
        #expect(try ConnectString("h:1/").chroot == nil)
        #expect(throws: ConnectStringError.self) { try ConnectString("h:1/a/") }
        #expect(throws: ConnectStringError.self) { try ConnectString("/app") }
        #expect(ZNodePath.isValid("/s-", sequential: true))
    }

    /// PathUtils.validatePath's texts, as Java's client throws them.
    @Test func pathMessagesAreJavas() {
        #expect(ZNodePath.message("") == "Path length must be > 0")
        #expect(ZNodePath.message("a") == "Path must start with / character")
        #expect(ZNodePath.message("/a/") == "Path must not end with / character")
        #expect(ZNodePath.message("/a//b") == "Invalid path string \"/a//b\" caused by empty node name specified @3")
        #expect(ZNodePath.message("/a/./b") == "Invalid path string \"/a/./b\" caused by relative paths not allowed @3")
        #expect(ZNodePath.message("/a/..") == "Invalid path string \"/a/..\" caused by relative paths not allowed @4")
        #expect(ZNodePath.message("/a/", sequential: true) == nil)
        #expect(ZNodePath.message("/a//", sequential: true) == "Invalid path string \"/a//1\" caused by empty node name specified @3")
        // Java counts UTF-16 chars: é is one, and a character outside the BMP
        // is a surrogate pair, which Java refuses.
        #expect(ZNodePath.message("/é\u{7F}") == "Invalid path string \"/é\u{7F}\" caused by invalid character @2")
        #expect(ZNodePath.message("/x😀") == "Invalid path string \"/x😀\" caused by invalid character @2")
        #expect(ZNodePath.message("/ok/é/ü") == nil)
    }
}
