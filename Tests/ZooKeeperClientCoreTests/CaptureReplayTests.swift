import NIOCore
import Testing
import ZooKeeperClientCore
import ZooKeeperProtocol
import ZooKeeperTestSupport

/// The session machine, given the calls and server frames of a real Java 3.8.0
/// session, must send exactly the frames the Java client sent.
@Suite struct CaptureReplayTests {
    static let sessionA: Int64 = 0x1_0000_143c_bb00_01
    static let sessionB: Int64 = 0x1_0000_143c_bb00_02

    private func expectSameFrames(_ replay: CaptureReplay) {
        #expect(replay.machineFrames.count == replay.javaFrames.count)
        for (index, (ours, java)) in zip(replay.machineFrames, replay.javaFrames).enumerated() {
            #expect(ours.hex == java.hex, "frame \(index) differs")
        }
    }

    @Test func reconnectWithSetWatchesMatchesJavaByteForByte() throws {
        let replay = try CaptureReplay(capture: "reconnect_setwatches", session: Self.sessionA)
        expectSameFrames(replay)
        // Two ConnectRequests: the second resumes the session with its password and last zxid.
        let connects = replay.javaFrames.filter { (try? ConnectRequestFrame(frameBody: $0.getSlice(at: 4, length: $0.readableBytes - 4)!)) != nil }
        #expect(connects.count >= 2)
        // One SetWatches (101), right after the second ConnectRequest, with the next ordinary xid.
        let setWatches = replay.machineFrames.filter { $0.getInteger(at: 8, as: Int32.self) == OpCode.setWatches.rawValue }
        #expect(setWatches.count == 1)
        #expect(setWatches.first?.getInteger(at: 4, as: Int32.self) == 6)
        #expect(replay.machine.sessionId == Self.sessionA)
    }

    @Test func persistentWatchesUseSetWatches2() throws {
        let replay = try CaptureReplay(capture: "reconnect_setwatches", session: Self.sessionB)
        expectSameFrames(replay)
        let setWatches = replay.machineFrames.filter { $0.getInteger(at: 8, as: Int32.self) == OpCode.setWatches2.rawValue }
        #expect(setWatches.count == 1)
        #expect(replay.machineFrames.filter { $0.getInteger(at: 8, as: Int32.self) == OpCode.setWatches.rawValue }.isEmpty)
    }

    @Test func eventsAfterReconnectGoToTheWatchersOfTheirPaths() throws {
        let replay = try CaptureReplay(capture: "reconnect_setwatches", session: Self.sessionA)
        let pathEvents = replay.events.filter { $0.0.type != .none }
        // Four fired by set-watches for changes made while away, one later by A's own setData.
        #expect(pathEvents.count == 5)
        for (event, watchers) in pathEvents {
            let expected = replay.watchRequests.filter { $0.value.1 == event.path }.map(\.key)
            #expect(watchers == Set(expected), "\(event)")
        }
        // Disconnected then SyncConnected reached every watcher.
        let states = replay.events.filter { $0.0.type == .none }.map(\.0.state)
        #expect(states == [.syncConnected, .disconnected, .syncConnected, .closed])
        // Persistent watches fire again and stay set.
        let b = try CaptureReplay(capture: "reconnect_setwatches", session: Self.sessionB)
        let persistentEvents = b.events.filter { $0.0.type != .none && ($0.0.path == "/sw/pw" || $0.0.path?.hasPrefix("/sw/rw") == true) }
        #expect(!persistentEvents.isEmpty)
        #expect(persistentEvents.allSatisfy { !$0.1.isEmpty })
    }

    /// standalone_watches holds kazoo sessions only; session_expiry one Java session.
    @Test(arguments: ["session_expiry"])
    func javaClientSessionsMatchByteForByte(capture: String) throws {
        var replayed = 0
        // The transcript says which sessions the Java client opened (kazoo drives the rest).
        let javaSessions = try Captures.transcript(capture).compactMap { line -> Int64? in
            guard line["op"] as? String == "connect", (line["note"] as? String)?.contains("Java") == true,
                let hex = (line["session"] as? String)?.dropFirst(2) else { return nil }
            return Int64(hex, radix: 16)
        }
        for session in Set(javaSessions) {
            let replay = try CaptureReplay(capture: capture, session: session)
            expectSameFrames(replay)
            replayed += 1
        }
        #expect(replayed > 0)
    }

    @Test func expiredSessionIsReportedAndEnds() throws {
        let replay = try CaptureReplay(capture: "session_expiry", session: 0x1_0000_13d5_8900_03)
        let states = replay.events.filter { $0.0.type == .none }.map(\.0.state)
        #expect(states.first == .syncConnected)
        #expect(states.last == .expired)
        #expect(replay.machine.phase == .terminated)
        #expect(replay.machine.state == .expired)
    }
}
