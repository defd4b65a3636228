import Testing
import ZooKeeperClient
import ZooKeeperProtocol

@Suite struct BackPressureSocketTests {
    /// Far more calls than the limit at once: every one is answered, in the
    /// order sent, as replies make room for the held ones.
    @Test func callsBeyondTheLimitAllComplete() async throws {
        try await withServer { server in
            let zk = try ZooKeeperClient(connectString: server.connectString, sessionTimeout: .seconds(30), maxOutstandingRequests: 4)
            try await zk.waitUntilConnected()
            let root = uniqueRoot("bp")
            try await zk.create(root)
            let created = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<200 {
                    group.addTask { try await zk.create(root + "/n-", mode: .persistentSequential) }
                }
                var paths: [String] = []
                for try await path in group { paths.append(path) }
                return paths
            }
            #expect(Set(created).count == 200)
            #expect(try await zk.getAllChildrenNumber(root) == 200)
            await zk.close()
        }
    }
}
