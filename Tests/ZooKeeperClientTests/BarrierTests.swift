import Testing
import ZooKeeperClient
import ZooKeeperRecipes

/// How far the members of a barrier have got, as they report it.
actor BarrierLedger {
    private(set) var arrived = 0
    private(set) var leaving = 0
    private(set) var earlyEntries = 0
    private(set) var earlyExits = 0
    let size: Int
    init(size: Int) { self.size = size }
    func arrive() { arrived += 1 }
    func entered() { if arrived < size { earlyEntries += 1 } }
    func startLeaving() { leaving += 1 }
    func left() { if leaving < size { earlyExits += 1 } }
}

@Suite struct BarrierTests {
    /// 6 members arriving and leaving 100 ms apart, over 3 rounds: nobody gets
    /// through `enter` before the last has arrived, nor through `leave` before
    /// the last has started to leave.
    @Test func nobodyPassesBeforeTheWholeGroup() async throws {
        try await withServer { server in
            let size = 6
            let root = uniqueRoot("barrier")
            var clients: [ZooKeeperClient] = []
            for _ in 0..<size { clients.append(try await ClientOperationTests.connect(server)) }
            for round in 0..<3 {
                let ledger = BarrierLedger(size: size)
                let path = "\(root)/round-\(round)"
                let members = clients
                try await within(40) { try await withThrowingTaskGroup(of: Void.self) { group in
                    for (i, client) in members.enumerated() {
                        group.addTask {
                            let barrier = DoubleBarrier(client: client, path: path, count: size)
                            try await Task.sleep(for: .milliseconds(100 * i))
                            await ledger.arrive()
                            try await barrier.enter()
                            await ledger.entered()
                            try await Task.sleep(for: .milliseconds(100 * (size - i)))
                            await ledger.startLeaving()
                            try await barrier.leave()
                            await ledger.left()
                        }
                    }
                    try await group.waitForAll()
                } }
                #expect(await ledger.earlyEntries == 0)
                #expect(await ledger.earlyExits == 0)
                #expect(try await clients[0].getChildren(path).isEmpty)
            }
            for client in clients { await client.close() }
        }
    }

    /// Two of three members wait in `enter` until the third comes.
    @Test func enterWaitsForTheCount() async throws {
        try await withServer { server in
            let path = uniqueRoot("barrier-wait")
            let a = try await ClientOperationTests.connect(server)
            let b = try await ClientOperationTests.connect(server)
            let c = try await ClientOperationTests.connect(server)
            let first = Task { try await DoubleBarrier(client: a, path: path, count: 3).enter() }
            let second = Task { try await DoubleBarrier(client: b, path: path, count: 3).enter() }
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await c.getChildren(path).sorted().count == 2)
            #expect(try await c.exists(path + "/ready") == nil)
            try await within { try await DoubleBarrier(client: c, path: path, count: 3).enter() }
            try await within { try await first.value }
            try await within { try await second.value }
            #expect(try await c.exists(path + "/ready") != nil)
            for client in [a, b, c] { await client.close() }
        }
    }
}
