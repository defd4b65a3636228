#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import ZooKeeperProtocol
import ZooKeeperServerConfig
import ZooKeeperServerCore

/// Four-letter words on the client port, in Java 3.8.0's layout
/// (org.apache.zookeeper.server.command.*). Each answer is the whole text the
/// server writes before closing; nil means close without writing.
enum FourLetterWords {
    static let setTraceMask = FourLetterWord("stmk")!
    /// ZooTrace's default text trace mask: CLIENT_REQUEST | SERVER_PACKET | CLIENT_PING ... = 306.
    static let defaultTraceMask: Int64 = 306

    /// `own` is the connection asking (it prints interest ops 0, as Java's
    /// cancelled selection key does). `extra` holds the bytes after the word.
    static func answer(_ word: FourLetterWord, extra: inout ByteBuffer, server: ZooKeeperServer, own: ConnectionID?) -> String? {
        let name = word.word
        guard server.configuration.settings.fourLetterWordWhitelist.contains(name) else {
            // NopCommand: println.
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
                handle.stats.withLockedValue { $0.reset() }
            }
            return "Connection stats reset.\n"
        case "gtmk": return "\(server.traceMask.withLockedValue { $0 })"
        case "stmk":
            let mask = extra.readInteger(as: Int64.self) ?? defaultTraceMask
            server.traceMask.withLockedValue { $0 = mask }
            return "\(mask)"
        // DigestCommand prints the digest log (one line per 128th zxid); this
        // server keeps no digests, so the log is always empty.
        case "hash": return ""
        case "conf": return configuration(server)
        case "cons": return connectionLines(server, brief: false) + "\n"
        case "wchs": return watchSummary(server)
        case "wchc": return watchesByConnection(server)
        case "wchp": return watchesByPath(server)
        case "dump": return dump(server)
        case "envi": return environment()
        case "mntr": return monitor(server)
        case "dirs": return directories(server)
        // Telnet's close sequence: Java finds no command for it and closes.
        default: return nil
        }
    }

    // MARK: srvr, stat, cons

    /// StatCommand: the version, `stat`'s client list, ServerStats.toString, the node count.
    static func serverStats(_ server: ZooKeeperServer, withClients: Bool) -> String {
        let counters = server.counters.withLockedValue { $0 }
        let (zxid, nodes) = server.state.withState { ($0.lastZxid, $0.tree.nodeCount) }
        var text = "Zookeeper version: \(ZooKeeperVersion.string)\n"
        if withClients {
            text += "Clients:\n" + connectionLines(server, brief: true) + "\n"
        }
        let latency = counters.requestLatency
        text += "Latency min/avg/max: \(latency.min)/\(javaDouble(latency.average))/\(latency.max)\n"
        text += "Received: \(counters.received)\n"
        text += "Sent: \(counters.sent)\n"
        text += "Connections: \(server.connections.all.count)\n"
        text += "Outstanding: 0\n"
        text += "Zxid: 0x\(String(UInt64(bitPattern: zxid), radix: 16))\n"
        text += "Mode: standalone\n"
        text += "Node count: \(nodes)\n"
        return text
    }

    /// ServerCnxn.dumpConnectionInfo for every connection, each followed by a newline.
    static func connectionLines(_ server: ZooKeeperServer, brief: Bool) -> String {
        server.connections.all.sorted { $0.id < $1.id }.map { handle in
            let stats = handle.stats.withLockedValue { $0 }
            var line = " \(socketAddress(handle))[\(stats.answeringWord ? 0 : 1)]"
            line += "(queued=0,recved=\(stats.received),sent=\(stats.sent)"
            if !brief && stats.sessionID != 0 {
                line += ",sid=\(hex(stats.sessionID)),lop=\(stats.lastOp),est=\(handle.openedAt),to=\(stats.timeout)"
                if stats.lastCxid >= 0 { line += ",lcxid=\(hex(stats.lastCxid))" }
                line += ",lzxid=\(hex(stats.lastZxid)),lresp=\(stats.lastResponseTime),llat=\(stats.lastLatency)"
                line += ",minlat=\(stats.reportedMinLatency),avglat=\(stats.averageLatency),maxlat=\(stats.maxLatency)"
            }
            return line + ")\n"
        }.joined()
    }

    /// InetSocketAddress.toString of an unresolved peer: "/ip:port".
    static func socketAddress(_ handle: ConnectionHandle) -> String {
        "/\(handle.remote):\(handle.channel.remoteAddress?.port ?? 0)"
    }

    // MARK: conf, dirs

    /// ZooKeeperServer.dumpConf. Java's getDataDirSize measures the txn log
    /// directory and getLogDirSize the snapshot directory; kept as Java has them.
    static func configuration(_ server: ZooKeeperServer) -> String {
        let c = server.configuration
        let settings = ServerSettings(c)
        let dirs = directories(of: c)
        return """
            clientPort=\(server.localAddress?.port ?? c.clientPortAddress?.port ?? 0)
            secureClientPort=\(c.secureClientPortAddress?.port ?? -1)
            dataDir=\(dirs.snapshots)
            dataDirSize=\(SystemInfo.directorySize(dirs.log))
            dataLogDir=\(dirs.log)
            dataLogSize=\(SystemInfo.directorySize(dirs.snapshots))
            tickTime=\(c.tickTime)
            maxClientCnxns=\(c.maxClientCnxns)
            minSessionTimeout=\(settings.effectiveMinSessionTimeout)
            maxSessionTimeout=\(settings.effectiveMaxSessionTimeout)
            clientPortListenBacklog=\(c.clientPortListenBacklog)
            serverId=\(c.serverId ?? 0)

            """
    }

    /// DirsCommand: getDataDirSize (the log directory) and getLogDirSize (the snapshot one).
    static func directories(_ server: ZooKeeperServer) -> String {
        let dirs = directories(of: server.configuration)
        return "datadir_size: \(SystemInfo.directorySize(dirs.log))\nlogdir_size: \(SystemInfo.directorySize(dirs.snapshots))\n"
    }

    /// FileTxnSnapLog's snapDir and dataDir: `<dir>/version-2`, absolute.
    static func directories(of c: ServerConfiguration) -> (snapshots: String, log: String) {
        func versioned(_ dir: String) -> String {
            var path = SystemInfo.absolutePath(dir)
            while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
            return (path == "/" ? "" : path) + "/version-2"
        }
        return (versioned(c.dataDir), versioned(c.dataLogDir))
    }

    // MARK: wchs, wchc, wchp

    /// WatchManager.toString over the data watches, then WatchCommand's println.
    static func watchSummary(_ server: ZooKeeperServer) -> String {
        let (byConnection, byPath) = server.state.withState {
            ($0.dataWatchPathsByConnection, $0.dataWatchConnectionsByPath)
        }
        let total = byConnection.values.reduce(0) { $0 + $1.count }
        return "\(byConnection.count) connections watching \(byPath.count) paths\nTotal watches:\(total)\n"
    }

    /// WatchManager.dumpWatches(byPath: false): per connection its session
    /// and paths (paths in Java's HashSet order), then a blank line.
    static func watchesByConnection(_ server: ZooKeeperServer) -> String {
        let byConnection = server.state.withState { $0.dataWatchPathsByConnection }
        let sessions = sessionIDs(server)
        var text = ""
        for (connection, paths) in byConnection.sorted(by: { (sessions[$0.key] ?? 0, $0.key) < (sessions[$1.key] ?? 0, $1.key) }) {
            text += "\(hex(sessions[connection] ?? 0))\n"
            for path in javaOrder(paths) { text += "\t\(path)\n" }
        }
        return text + "\n"
    }

    /// WatchManager.dumpWatches(byPath: true): per path the watching sessions, then a blank line.
    static func watchesByPath(_ server: ZooKeeperServer) -> String {
        let byPath = server.state.withState { $0.dataWatchConnectionsByPath }
        let sessions = sessionIDs(server)
        var text = ""
        for path in javaOrder(Set(byPath.keys)) {
            text += "\(path)\n"
            for session in byPath[path]!.map({ sessions[$0] ?? 0 }).sorted() {
                text += "\t\(hex(session))\n"
            }
        }
        return text + "\n"
    }

    private static func sessionIDs(_ server: ZooKeeperServer) -> [ConnectionID: Int64] {
        var result: [ConnectionID: Int64] = [:]
        for handle in server.connections.all {
            result[handle.id] = handle.stats.withLockedValue { $0.sessionID }
        }
        return result
    }

    /// A java.util.HashSet<String>'s iteration order for these strings.
    private static func javaOrder(_ strings: Set<String>) -> [String] {
        var set = JavaStringSet(initialCapacity: 16)
        for string in strings.sorted() { set.insert(string) }
        return Array(set)
    }

    // MARK: dump

    /// DumpCommand: the session expiry queue, ephemerals per session, and the
    /// connection expiry queue (NIOServerCnxnFactory.dumpConnections).
    static func dump(_ server: ZooKeeperServer) -> String {
        let now = ServerClock.now()
        func date(_ monotonic: Int64) -> String {
            SystemInfo.javaDate(millisecondsSince1970: now.wall + monotonic - now.monotonic)
        }
        let (buckets, ephemerals) = server.state.withState { ($0.sessionBuckets, $0.ephemeralsBySession) }
        var text = "SessionTracker dump:\n"
        text += "Session Sets (\(buckets.count))/(\(buckets.reduce(0) { $0 + $1.sessions.count })):\n"
        for bucket in buckets {
            text += "\(bucket.sessions.count) expire at \(date(bucket.expiresAt)):\n"
            for session in bucket.sessions { text += "\t\(hex(session))\n" }
        }
        text += "ephemeral nodes dump:\n"
        text += "Sessions with Ephemerals (\(ephemerals.count)):\n"
        for entry in ephemerals {
            text += "\(hex(entry.session)):\n"
            for path in entry.paths { text += "\t\(path)\n" }
        }
        text += "Connections dump:\n"
        // ExpiryQueue(sessionlessCnxnTimeout): touched with the session timeout,
        // or the sessionless timeout before a handshake, rounded up to the interval.
        let interval = server.sessionlessConnectionTimeout
        var connectionBuckets: [Int64: [(Int64, ConnectionHandle, Int64)]] = [:]
        for handle in server.connections.all {
            let stats = handle.stats.withLockedValue { $0 }
            let timeout = stats.sessionID == 0 ? interval : Int64(stats.timeout)
            let expiry = ((stats.touchedAt + timeout) / interval + 1) * interval
            connectionBuckets[expiry, default: []].append((Int64(handle.id), handle, stats.sessionID))
        }
        text += "Connections Sets (\(connectionBuckets.count))/(\(connectionBuckets.values.reduce(0) { $0 + $1.count })):\n"
        for expiry in connectionBuckets.keys.sorted() {
            let members = connectionBuckets[expiry]!.sorted { $0.0 < $1.0 }
            text += "\(members.count) expire at \(date(expiry)):\n"
            for (_, handle, session) in members {
                text += "\tip: \(socketAddress(handle)) sessionId: \(hex(session))\n"
            }
        }
        return text
    }

    // MARK: envi

    /// Environment.list. The java.* keys keep their place with Java's own
    /// "<NA>" for a property that is not set (there is no JVM), except
    /// java.io.tmpdir ($TMPDIR or /tmp). os.memory.* describe this process:
    /// free = available physical memory, max = physical memory, total = resident size.
    static func environment() -> String {
        let os = SystemInfo.operatingSystem
        let user = SystemInfo.user
        let memory = SystemInfo.physicalMemory
        let mb = 1024 * 1024
        let entries: [(String, String)] = [
            ("zookeeper.version", ZooKeeperVersion.string),
            ("host.name", SystemInfo.hostName),
            ("java.version", "<NA>"),
            ("java.vendor", "<NA>"),
            ("java.home", "<NA>"),
            ("java.class.path", "<NA>"),
            ("java.library.path", "<NA>"),
            ("java.io.tmpdir", SystemInfo.temporaryDirectory),
            ("java.compiler", "<NA>"),
            ("os.name", os.name),
            ("os.arch", os.arch),
            ("os.version", os.version),
            ("user.name", user.name),
            ("user.home", user.home),
            ("user.dir", SystemInfo.workingDirectory),
            ("os.memory.free", "\(memory.available / mb)MB"),
            ("os.memory.max", "\(memory.total / mb)MB"),
            ("os.memory.total", "\(SystemInfo.residentMemory / mb)MB"),
        ]
        return "Environment:\n" + entries.map { "\($0.0)=\($0.1)\n" }.joined()
    }

    // MARK: helpers

    /// Double.toString for the values printed here: "0.0", "3.8333", "1.0E7".
    static func javaDouble(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude == 0 || (magnitude >= 1e-3 && magnitude < 1e7) {
            let text = "\(value)"
            return text.contains(".") || text.contains("e") ? text : text + ".0"
        }
        var exponent = Int(log10(magnitude).rounded(.down))
        var mantissa = value / pow(10, Double(exponent))
        if abs(mantissa) >= 10 { mantissa /= 10; exponent += 1 }
        let digits = "\(mantissa)"
        return (digits.contains(".") ? digits : digits + ".0") + "E\(exponent)"
    }
}
