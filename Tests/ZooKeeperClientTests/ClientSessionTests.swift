import Foundation
import Testing
import ZooKeeperClient
import ZooKeeperProtocol

/// Tests that stop the server: on an in-process server, or on the external
/// one when scripts/swift-client-tests runs them alone with a way to restart it.
@Suite(.serialized) struct ServerRestartTests {
    @Test(.enabled(if: TestServer.canRestart))
    func serverRestartResumesTheSessionAndReSetsWatches() async throws {
        let server = try await TestServer.start()
        do {
            let zk = try ZooKeeperClient(connectString: server.connectString, sessionTimeout: .seconds(30))
            try await zk.waitUntilConnected()
            let states = zk.states()
            let sessionId = await zk.sessionId
            let root = uniqueRoot("restart")
            try await zk.create(root, data: [0])
            let eph = try await zk.create(root + "/eph", mode: .ephemeral)
            let dataWatcher = await zk.makeWatcher()
            _ = try await zk.getData(root, watcher: dataWatcher)
            let existsWatcher = await zk.makeWatcher()
            #expect(try await zk.exists(root + "/later", watcher: existsWatcher) == nil)

            try await server.stopServerOnly()
            #expect(await next(states) { $0 == .disconnected } == .disconnected)
            // A call while disconnected waits for the reconnect (or fails with ConnectionLoss).
            try await server.restart()
            #expect(await next(states) { $0 == .syncConnected } == .syncConnected)
            #expect(await zk.sessionId == sessionId)
            #expect(try await zk.exists(eph) != nil)

            let other = try ZooKeeperClient(connectString: server.connectString)
            try await other.waitUntilConnected()
            try await other.setData(root, data: [1])
            try await other.create(root + "/later")
            #expect(await next(dataWatcher.events) { $0.type != .none } == WatchedEvent(type: .nodeDataChanged, state: .syncConnected, path: root))
            #expect(await next(existsWatcher.events) { $0.type != .none } == WatchedEvent(type: .nodeCreated, state: .syncConnected, path: root + "/later"))
            await other.close()
            await zk.close()
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test(.enabled(if: TestServer.canRestart))
    func callsInFlightFailWithConnectionLossWhenTheServerGoes() async throws {
        let server = try await TestServer.start()
        let zk = try ZooKeeperClient(connectString: server.connectString, sessionTimeout: .seconds(30))
        try await zk.waitUntilConnected()
        let root = uniqueRoot("loss")
        try await zk.create(root)
        let calls = Task {
            var codes: [ErrorCode] = []
            for i in 0..<2000 {
                do { try await zk.create("\(root)/n\(i)") } catch let e as ZooKeeperError { codes.append(e.code) } catch {}
                if codes.count > 0 { break }
            }
            return codes
        }
        try await Task.sleep(for: .milliseconds(50))
        try await server.stopServerOnly()
        let codes = await calls.value
        #expect(codes.first == .connectionLoss)
        try await server.restart()
        await zk.close()
        await server.stop()
    }
}

@Suite struct ClientSessionTests {
    @Test func sessionExpiryIsReportedToWatchersAndCalls() async throws {
        try await withServer { server in
            let zk = try ZooKeeperClient(connectString: server.connectString, sessionTimeout: .seconds(4))
            try await zk.waitUntilConnected()
            let watcher = await zk.makeWatcher()
            #expect(try await zk.exists("/", watcher: watcher) != nil)
            let states = zk.states()
            // Another connection takes the session over and closes it.
            try await expireSession(of: zk, server: server)
            #expect(await next(states) { $0 == .expired } == .expired)
            #expect(await next(watcher.events) { $0.state == .expired }?.state == .expired)
            await #expect(throws: ZooKeeperError(.sessionExpired, path: "/")) { try await zk.getData("/") }
            await zk.close()
        }
    }
}
