import Testing
@testable import ZooKeeperServerCore

/// Orders Java exposes on the wire, checked against values printed by Java 17's jshell.
@Suite struct JavaOrderTests {
    @Test func childrenIterateAsJavaHashSetOfEight() {
        var set = JavaStringSet(initialCapacity: 8)
        for name in ["zookeeper", "a", "b", "node-1", "node-2", "s-0000000010", "s-0000000002", "config", "quota", "x", "y", "z"] {
            set.insert(name)
        }
        #expect(Array(set) == ["a", "b", "zookeeper", "node-1", "node-2", "quota", "s-0000000010", "x", "y", "z", "s-0000000002", "config"])
        #expect(set.count == 12)
        let insertedAgain = set.insert("a")
        #expect(!insertedAgain)
        let removed = set.remove("zookeeper")
        #expect(removed)
        #expect(!set.contains("zookeeper"))
        #expect(Array(set).first == "a")
    }

    @Test func ephemeralsIterateAsDefaultJavaHashSet() {
        var set = JavaStringSet()
        for path in ["/eph/a", "/eph/b", "/x/y/z", "/fl/eph", "/q"] { set.insert(path) }
        #expect(Array(set) == ["/q", "/eph/b", "/eph/a", "/x/y/z", "/fl/eph"])
    }

    @Test func sessionPasswordIsJavaRandomSeededWithTheID() {
        let password = JavaRandom.sessionPassword(for: 0x1000_0121_eab0_000)
        let hex = password.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
        #expect(hex == "d767539f189297be0d90eb79214c5634")
    }

    @Test func identitiesIterateAsConcurrentHashMapSet() {
        let identities = ConnectionIdentities([
            AuthIdentity(scheme: "ip", id: "127.0.0.1"), AuthIdentity(scheme: "digest", id: "bob:abc="),
            AuthIdentity(scheme: "digest", id: "alice:xyz="), AuthIdentity(scheme: "super", id: ""),
        ])
        #expect(identities.all.map { "\($0.scheme):\($0.id)" } == ["digest:alice:xyz=", "super:", "ip:127.0.0.1", "digest:bob:abc="])
    }

    @Test func sequenceSuffixIsPercentZeroTenD() {
        #expect(ZooKeeperState.sequenceSuffix(0) == "0000000000")
        #expect(ZooKeeperState.sequenceSuffix(42) == "0000000042")
        #expect(ZooKeeperState.sequenceSuffix(-5) == "-000000005")
        #expect(ZooKeeperState.sequenceSuffix(Int32.max) == "2147483647")
    }
}
