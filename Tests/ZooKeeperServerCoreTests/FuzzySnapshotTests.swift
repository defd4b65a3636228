import NIOCore
import Testing
import ZooKeeperProtocol
@testable import ZooKeeperServerCore
import ZooKeeperStorageFormat

/// A snapshot taken while writes go on, replayed with the log from the zxid
/// it began at, rebuilds exactly the live tree, digest included.
@Suite struct FuzzySnapshotTests {
    /// Every node's data, ACL, stat and children: what recovery must restore.
    static func contents(_ tree: DataTree) -> [String: String] {
        tree.nodes.mapValues { node in
            let data = node.data.map { String(buffer: $0) } ?? "<nil>"
            return "\(data)|\(node.acl)|\(node.stat)|\(node.children.sorted())"
        }
    }

    /// SplitMix64: the same scenario on every run.
    struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    /// One random write: creates (some ephemeral or sequential), deletes,
    /// setData, setACL, and sessions closing with their ephemerals.
    static func randomWrite(_ h: StateHarness, _ clients: inout [ConnectionContext], _ random: inout Random) {
        let paths = h.state.tree.nodes.keys.filter { !$0.hasPrefix("/zookeeper") && $0 != "/" }.sorted()
        let client = clients[random.next(clients.count)]
        switch random.next(20) {
        case 0...9:
            let parent = paths.isEmpty || random.next(3) == 0 ? "" : paths[random.next(paths.count)]
            let mode: CreateMode = [.persistent, .ephemeral, .persistentSequential, .ephemeralSequential][random.next(4)]
            h.create(client, parent + "/n\(random.next(6))", "d\(random.next(100))", mode: mode)
        case 10...12:
            guard !paths.isEmpty else { return }
            h.delete(client, paths[random.next(paths.count)])
        case 13...16:
            guard !paths.isEmpty else { return }
            h.setData(client, paths[random.next(paths.count)], String(repeating: "x", count: random.next(40)))
        case 17, 18:
            guard !paths.isEmpty else { return }
            let acl = [ACL(perms: Int32(1 + random.next(31)), id: Id(scheme: "world", id: "anyone"))]
            h.send(client, .setACL, .setACL(SetACLRequest(path: paths[random.next(paths.count)], acl: acl, version: -1)))
        default:
            // A session ends (its ephemerals go) and a new one takes its place.
            let index = random.next(clients.count)
            h.send(clients[index], .closeSession, .none)
            clients[index] = h.connect()
        }
    }

    @Test(arguments: 1...40)
    func interleavedWritesReplayToTheLiveTree(seed: Int) throws {
        var random = Random(state: UInt64(seed))
        let h = StateHarness()
        var clients = (0..<3).map { _ in h.connect() }
        for _ in 0..<150 { Self.randomWrite(h, &clients, &random) }

        let startZxid = h.state.lastZxid
        var snapshot = FuzzySnapshot(of: h.state)
        while !snapshot.isComplete {
            snapshot.step(h.state, budget: 1 + random.next(4))
            for _ in 0..<random.next(4) { Self.randomWrite(h, &clients, &random) }
        }
        for _ in 0..<random.next(10) { Self.randomWrite(h, &clients, &random) }

        let file = try SnapshotFile(decoding: snapshot.file.encode())
        var mismatches: [Int64] = []
        let recovered = ZooKeeperState.recover(
            snapshot: file.body, snapshotZxid: snapshot.zxid, snapshotDigest: file.digest,
            txns: h.log, settings: h.state.settings, now: h.now
        ) { mismatches.append($0) }
        #expect(snapshot.zxid == startZxid)
        #expect(mismatches.isEmpty, "digest differs after \(mismatches)")
        #expect(recovered.lastZxid == h.state.lastZxid)
        #expect(Self.contents(recovered.tree) == Self.contents(h.state.tree))
        #expect(recovered.tree.digest == h.state.tree.digest)
        #expect(Set(recovered.sessions.sessions.keys) == Set(h.state.sessions.sessions.keys))
    }

    /// A snapshot with nothing happening meanwhile is exact: its digest is
    /// for the zxid it is named after, so Java checks it right on load.
    @Test func quietSnapshotCarriesTheDigestOfItsOwnZxid() throws {
        let h = StateHarness()
        let c = h.connect()
        h.create(c, "/a", "one")
        let snapshot = h.state.snapshot()
        let digest = try #require(snapshot.digest)
        #expect(digest.zxid == snapshot.zxid)
        #expect(digest.digest == .long(h.state.tree.digest))
        #expect(digest.digestVersion == 2)
    }

    /// A wrong digest in the snapshot is reported, with the zxid it names.
    @Test func aSnapshotDigestThatDiffersIsReported() throws {
        let h = StateHarness()
        let c = h.connect()
        h.create(c, "/a", "one")
        let snapshot = h.state.snapshot()
        var wrong = try #require(snapshot.digest)
        wrong.digest = .long(42)
        var mismatches: [Int64] = []
        _ = ZooKeeperState.recover(
            snapshot: snapshot.body, snapshotZxid: snapshot.zxid, snapshotDigest: wrong,
            txns: [], settings: h.state.settings, now: h.now
        ) { mismatches.append($0) }
        #expect(mismatches == [snapshot.zxid])
    }
}

/// Java writes a snapshot's ACL cache before its nodes, so a node created
/// meanwhile with a new ACL list can name an index the file lacks.
@Suite struct UnresolvedACLTests {
    @Test func theCreateInTheLogSuppliesTheACLAndAnythingElseIsClosed() throws {
        let h = StateHarness()
        let c = h.connect()
        let ipACL = [ACL(perms: Perms.all.rawValue, id: Id(scheme: "ip", id: "127.0.0.1"))]
        h.send(c, .create, .create(CreateRequest(path: "/ip", data: nil, acl: ipACL, flags: 0)))
        h.send(c, .create, .create(CreateRequest(path: "/lost", data: nil, acl: ipACL, flags: 0)))
        var body = h.state.snapshotBody()
        // As Java's fuzzy snapshot can leave it: the nodes' index, no cache entry.
        body.aclCache.removeAll { $0.acl == ipACL }
        let createIP = try #require(h.log.first { $0.type == .create })
        var unresolved: [String] = []
        let recovered = ZooKeeperState.recover(
            snapshot: body, snapshotZxid: createIP.header.zxid - 1, txns: [createIP],
            settings: h.state.settings, now: h.now, unresolvedACL: { unresolved.append($0) }
        )
        #expect(recovered.tree.node("/ip")?.acl == ipACL)
        #expect(recovered.tree.node("/lost")?.acl == [])
        #expect(unresolved == ["/lost"])
    }
}
