import NIOCore
import ZooKeeperProtocol
import ZooKeeperServerCore

/// The version every `srvr`, `stat`, `envi` and `mntr` reports: Java's
/// numbers (clients parse them) and our own build name.
public enum ServerVersion {
    public static let string = "3.8.0-swift-zookeeper, built with Swift"
}

/// Four-letter words on the client port, in Java's layout.
enum FourLetterWords {
    static func answer(_ word: FourLetterWord, extra: inout ByteBuffer, server: ZooKeeperServer) -> String {
        let name = word.word
        let whitelist = server.configuration.settings.fourLetterWordWhitelist
        guard whitelist.contains("*") || whitelist.contains(name) else {
            return "\(name) is not executed because it is not in the whitelist.\n"
        }
        switch name {
        case "ruok": return "imok"
        case "isro": return "rw"
        case "srvr": return serverStats(server, withClients: false)
        case "stat": return serverStats(server, withClients: true)
        case "srst":
            server.counters.withLockedValue { $0 = ServerCounters() }
            return "Server stats reset.\n"
        case "crst":
            for handle in server.connections.all {
                handle.stats.withLockedValue { $0.received = 0; $0.sent = 0 }
            }
            return "Connection stats reset.\n"
        case "gtmk": return "306"
        case "stmk":
            let mask = extra.readInteger(as: Int64.self) ?? 306
            return "\(mask)"
        case "hash": return ""
        case "conf": return configuration(server)
        case "cons": return connections(server)
        case "wchs": return watchSummary(server)
        default: return ""
        }
    }

    static func serverStats(_ server: ZooKeeperServer, withClients: Bool) -> String {
        let counters = server.counters.withLockedValue { $0 }
        let (zxid, nodes) = server.state.withState { ($0.lastZxid, $0.tree.nodeCount) }
        var text = "Zookeeper version: \(ServerVersion.string)\n"
        if withClients {
            text += "Clients:\n" + connectionLines(server, detailed: false) + "\n"
        }
        let average = counters.latencyCount == 0 ? 0 : Double(counters.totalLatency) / Double(counters.latencyCount)
        let minimum = counters.latencyCount == 0 ? 0 : counters.minLatency
        text += "Latency min/avg/max: \(minimum)/\(average)/\(counters.maxLatency)\n"
        text += "Received: \(counters.received)\nSent: \(counters.sent)\n"
        text += "Connections: \(server.connections.all.count)\nOutstanding: 0\n"
        text += "Zxid: 0x\(String(zxid, radix: 16))\nMode: standalone\nNode count: \(nodes)\n"
        return text
    }

    static func connectionLines(_ server: ZooKeeperServer, detailed: Bool) -> String {
        server.connections.all.sorted { $0.id < $1.id }.map { handle in
            let stats = handle.stats.withLockedValue { $0 }
            let port = handle.channel.remoteAddress?.port ?? 0
            var line = " /\(handle.remote):\(port)[\(stats.sessionID == 0 ? 0 : 1)](queued=0,recved=\(stats.received),sent=\(stats.sent)"
            if detailed && stats.sessionID != 0 {
                line += ",sid=\(hex(stats.sessionID)),lop=\(stats.lastOp),est=\(handle.openedAt),to=\(stats.timeout)"
            }
            return line + ")\n"
        }.joined()
    }

    static func connections(_ server: ZooKeeperServer) -> String {
        connectionLines(server, detailed: true) + "\n"
    }

    static func configuration(_ server: ZooKeeperServer) -> String {
        let c = server.configuration
        let settings = ServerSettings(c)
        return """
            clientPort=\(c.clientPortAddress?.port ?? -1)
            secureClientPort=\(c.secureClientPortAddress?.port ?? -1)
            dataDir=\(c.dataDir)/version-2
            dataLogDir=\(c.dataLogDir)/version-2
            tickTime=\(c.tickTime)
            maxClientCnxns=\(c.maxClientCnxns)
            minSessionTimeout=\(settings.effectiveMinSessionTimeout)
            maxSessionTimeout=\(settings.effectiveMaxSessionTimeout)
            clientPortListenBacklog=\(c.clientPortListenBacklog)
            serverId=\(c.serverId ?? 0)

            """
    }

    static func watchSummary(_ server: ZooKeeperServer) -> String {
        let (byConnection, paths, total) = server.state.withState {
            ($0.watches.pathsByConnection, $0.watches.watchedPaths, $0.watches.dataWatchCount + $0.watches.childWatchCount)
        }
        return "\(byConnection.count) connections watching \(paths.count) paths\nTotal watches:\(total)\n"
    }
}
