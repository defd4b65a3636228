import Foundation
import Logging
import NIOCore
import NIOPosix
import Testing
import ZooKeeperProtocol
import ZooKeeperServer
import ZooKeeperServerConfig
import ZooKeeperServerCore

/// Java 3.8.0's answers recorded in captures/fourletter.transcript.jsonl: the
/// words in the order they were sent, each with its text.
enum JavaFourLetterTranscript {
    static let file = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("captures/fourletter.transcript.jsonl")

    static func answers() throws -> [(word: String, text: String)] {
        let text = try String(contentsOf: file, encoding: .utf8)
        return try text.split(separator: "\n").compactMap { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            guard object?["op"] as? String == "fourletter", let word = object?["word"] as? String else { return nil }
            return (word, object?["text"] as? String ?? "")
        }
    }
}

/// Lines with their values replaced, so two servers' answers compare by
/// layout: same lines, same keys, same order.
enum Layout {
    static func of(_ word: String, _ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let line = String(line)
            switch word {
            case "conf", "envi":
                guard let equals = line.firstIndex(of: "=") else { return line }
                return String(line[..<equals]) + "=V"
            case "mntr":
                guard let tab = line.firstIndex(of: "\t") else { return line }
                return String(line[..<tab]) + "\tV"
            default:
                if line.hasPrefix("Zookeeper version: ") { return "Zookeeper version: V" }
                return line
                    .replacing(/[A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d \S+ \d{4}/, with: "DATE")
                    .replacing(/0x[0-9a-f]+/, with: "0xH")
                    .replacing(/\d+(\.\d+)?/, with: "N")
            }
        }
    }
}

/// A server on 127.0.0.1 with a free port, in this process.
@Suite struct FourLetterWordTests {
    /// The capture's scenario: a session with an ephemeral node and data,
    /// child and exists watches, then every word in the capture's order, each
    /// compared by layout with Java's answer and by value where both servers
    /// must agree.
    @Test func everyWordInJavasLayout() async throws {
        let java = try JavaFourLetterTranscript.answers()
        // Java's capture used a 10 s session and a 10 s sessionless timeout, so
        // `dump` put both connections in one bucket. Both are 120 s here, still
        // equal (same layout), so a slow run neither expires the session midway
        // nor lets the buckets straddle an interval boundary.
        let server = try await TestServer.start(
            extraConfig: "4lw.commands.whitelist=*\nnio.sessionlessCnxnTimeout=120000\nmaxSessionTimeout=120000\n"
        )
        let session = try await WireClient.connect(to: server.address, group: server.group)
        do {
            try await runScenario(server, session: session, java: java)
        } catch {
            await session.close()
            await server.stop()
            throw error
        }
        await session.close()
        await server.stop()
    }

    private func runScenario(_ server: TestServer, session: WireClient, java: [(word: String, text: String)]) async throws {
        let connected = try await session.handshake(timeout: 120_000)
        let sid = "0x" + String(UInt64(bitPattern: connected.response.sessionId), radix: 16)
        let data = ByteBuffer(string: "four letter words")
        let open = DataTree.openACL
        _ = try await session.request(1, .create, .create(CreateRequest(path: "/fl", data: data, acl: open, flags: 0)))
        _ = try await session.request(2, .create, .create(CreateRequest(path: "/fl/eph", data: ByteBuffer(), acl: open, flags: 1)))
        _ = try await session.request(3, .getData, .getData(GetDataRequest(path: "/fl", watch: true)))
        _ = try await session.request(4, .getChildren, .getChildren(GetChildrenRequest(path: "/fl", watch: true)))
        _ = try await session.request(5, .exists, .exists(ExistsRequest(path: "/fl/none", watch: true)))

        var answers: [(word: String, text: String)] = []
        for (index, expected) in java.enumerated() {
            let text: String
            switch (expected.word, index) {
            case ("stmk", _):
                var mask = ByteBuffer()
                mask.writeInteger(Int64(511))
                text = try await WireClient.fourLetterWord([Array("stmk".utf8) + Array(mask.readableBytesView)],
                                                           to: server.address, group: server.group)
            case ("abcd", _):
                text = try await WireClient.fourLetterWord([Array("abcd".utf8)], to: server.address, group: server.group)
            case ("ruok", _) where index > 0:
                // "ruok" followed by extra bytes: they are ignored.
                text = try await WireClient.fourLetterWord([Array("ruokruok\r\n".utf8)], to: server.address, group: server.group)
            case ("stat", _) where answers.filter({ $0.word == "stat" }).count == 2:
                // "st" + "at" in two TCP segments.
                text = try await WireClient.fourLetterWord([Array("st".utf8), Array("at".utf8)], to: server.address, group: server.group)
            case ("cons", _) where answers.filter({ $0.word == "cons" }).count == 2:
                // Java's last cons came after the session closed.
                _ = try await session.request(6, .closeSession, .none)
                #expect(try await session.waitClosed())
                text = try await server.word("cons")
            default:
                text = try await server.word(expected.word)
            }
            answers.append((expected.word, text))
            // Java prints a per-namespace summary for each top-level path read or
            // written (zk_<ns>_read_per_namespace ...); this server does not.
            let javaLayout = Layout.of(expected.word, expected.text).filter { !$0.contains("_per_namespace\t") }
            #expect(Layout.of(expected.word, text) == javaLayout,
                    "\(expected.word) (#\(index)) differs from Java's layout:\n\(text)")
        }

        func answer(_ word: String, _ occurrence: Int = 0) -> String {
            answers.filter { $0.word == word }[occurrence].text
        }
        // Values both servers must print for the same history.
        #expect(answer("ruok") == "imok")
        #expect(answer("isro") == "rw")
        #expect(answer("gtmk") == "306")
        #expect(answer("stmk") == "511")
        #expect(answer("gtmk", 1) == "511")
        #expect(answer("hash") == "")
        #expect(answer("abcd") == "")
        #expect(answer("ruok", 1) == "imok")
        #expect(answer("crst") == "Connection stats reset.\n")
        #expect(answer("srst") == "Server stats reset.\n")
        #expect(answer("wchs") == "1 connections watching 2 paths\nTotal watches:2\n")
        #expect(answer("wchc") == "\(sid)\n\t/fl\n\t/fl/none\n\n")
        #expect(answer("wchp") == "/fl\n\t\(sid)\n/fl/none\n\t\(sid)\n\n")
        #expect(answer("stat").contains("Received: 8\nSent: 7\nConnections: 2\nOutstanding: 0\nZxid: 0x3\nMode: standalone\nNode count: 7\n"))
        #expect(answer("srvr").contains("Received: 9\nSent: 8\n"))
        #expect(answer("stat", 1).contains("Latency min/avg/max: 0/0.0/0\nReceived: 2\nSent: 2\n"))
        #expect(answer("stat", 2).contains("Received: 6\nSent: 6\n"))

        let cons = answer("cons")
        #expect(cons.contains("[1](queued=0,recved=6,sent=6,sid=\(sid),lop=EXIS,est="))
        #expect(cons.contains(",to=120000,lcxid=0x5,lzxid=0x3,lresp="))
        #expect(cons.contains("[0](queued=0,recved=1,sent=0)\n\n"))
        let reset = answer("cons", 1)
        #expect(reset.contains("[1](queued=0,recved=0,sent=0,sid=\(sid),lop=NA,est="))
        #expect(reset.contains(",to=120000,lzxid=0xffffffffffffffff,lresp=0,llat=0,minlat=0,avglat=0,maxlat=0)\n"))
        #expect(answer("cons", 2).split(separator: "\n").count == 1)

        let monitor = Dictionary(uniqueKeysWithValues: answer("mntr").split(separator: "\n").map { line in
            let parts = line.split(separator: "\t", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        })
        let expectedMonitor = [
            "zk_version": ZooKeeperVersion.string, "zk_server_state": "standalone", "zk_ephemerals_count": "1",
            "zk_num_alive_connections": "2", "zk_znode_count": "7", "zk_global_sessions": "1",
            "zk_packets_sent": "12", "zk_packets_received": "13", "zk_watch_count": "3",
            "zk_approximate_data_size": "71", "zk_last_client_response_size": "16",
            "zk_min_client_response_size": "16", "zk_max_client_response_size": "105",
            "zk_response_bytes": "198", "zk_connection_request_count": "1", "zk_cnt_updatelatency": "3",
            "zk_cnt_readlatency": "3", "zk_outstanding_requests": "0", "zk_local_sessions": "0",
        ]
        for (key, value) in expectedMonitor {
            #expect(monitor[key] == value, "\(key)")
        }

        let dump = answer("dump")
        #expect(dump.contains("Session Sets (1)/(1):\n1 expire at "))
        #expect(dump.contains(":\n\t\(sid)\nephemeral nodes dump:\nSessions with Ephemerals (1):\n\(sid):\n\t/fl/eph\n"))
        #expect(dump.contains("Connections dump:\nConnections Sets (1)/(2):\n2 expire at "))
        #expect(dump.contains("\tip: /127.0.0.1:"))

        let conf = answer("conf")
        #expect(conf.contains("clientPort=\(try #require(server.address.port))\n"))
        #expect(conf.contains("dataDir=\(server.dataDir)/version-2\n"))
        #expect(conf.contains("tickTime=2000\nmaxClientCnxns=0\nminSessionTimeout=4000\nmaxSessionTimeout=120000\n"))
        #expect(answer("envi").contains("zookeeper.version=\(ZooKeeperVersion.string)\n"))
        #expect(answer("dirs").hasPrefix("datadir_size: "))
    }

    /// Without a whitelist only srvr answers; the rest get Java's refusal.
    @Test func defaultWhitelistIsSrvrOnly() async throws {
        let server = try await TestServer.start(extraConfig: "")
        do {
            let srvr = try await server.word("srvr")
            #expect(srvr.hasPrefix("Zookeeper version: \(ZooKeeperVersion.string)\nLatency min/avg/max: 0/0.0/0\n"))
            for word in ["ruok", "stat", "mntr", "cons", "envi", "stmk"] {
                let text = try await server.word(word)
                #expect(text == "\(word) is not executed because it is not in the whitelist.\n")
            }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// A list names the words that answer; srvr always does.
    @Test func whitelistList() async throws {
        let server = try await TestServer.start(extraConfig: "4lw.commands.whitelist=ruok, stat\n")
        do {
            #expect(try await server.word("ruok") == "imok")
            #expect(try await server.word("stat").hasPrefix("Zookeeper version: "))
            #expect(try await server.word("srvr").hasPrefix("Zookeeper version: "))
            #expect(try await server.word("dump") == "dump is not executed because it is not in the whitelist.\n")
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// Latency and per-connection statistics after pings and a failed write.
    @Test func connectionStatisticsFollowJava() async throws {
        let server = try await TestServer.start()
        let session = try await WireClient.connect(to: server.address, group: server.group)
        do {
            _ = try await session.handshake(timeout: 10_000)
            _ = try await session.request(1, .create, .create(CreateRequest(path: "/a", data: ByteBuffer(), acl: DataTree.openACL, flags: 0)))
            var cons = try await server.word("cons")
            #expect(cons.contains("lop=CREA,"))
            #expect(cons.contains(",lcxid=0x1,lzxid=0x2,"))
            // A failed write carries Java's error txn: FinalRequestProcessor records "NA".
            _ = try await session.request(2, .create, .create(CreateRequest(path: "/a", data: ByteBuffer(), acl: DataTree.openACL, flags: 0)))
            cons = try await server.word("cons")
            #expect(cons.contains("lop=NA,"))
            #expect(cons.contains(",lcxid=0x2,"))
            // A ping does not move lcxid.
            _ = try await session.request(-2, .ping, .none)
            cons = try await server.word("cons")
            #expect(cons.contains("lop=PING,"))
            #expect(cons.contains(",lcxid=0x2,"))
            #expect(cons.contains("recved=4,sent=4,"))
        } catch {
            await session.close()
            await server.stop()
            throw error
        }
        await session.close()
        await server.stop()
    }
}
