/// A parsed configuration with what Java would have logged as warnings.
public struct ParsedServerConfiguration: Sendable, Equatable {
    public var configuration: ServerConfiguration
    public var warnings: [ConfigurationWarning]
}

extension ServerConfiguration {
    /// Parses `zoo.cfg` as `QuorumPeerConfig.parse` does, without touching files:
    ///
    /// - `config`: the text of zoo.cfg;
    /// - `myid`: the text of `dataDir/myid`, or nil when that file does not exist
    ///   (standalone servers need none);
    /// - `dynamicConfig`: the text of the file `dynamicConfigFile` names, if it does;
    /// - `environment`: for `SERVER_JVMFLAGS`/`JVMFLAGS` `-D` properties.
    ///
    /// Keys are handled in file order, so the first bad line is the one reported
    /// (Java's order is its hash table's).
    public static func parse(
        config: String,
        myid: String? = nil,
        dynamicConfig: String? = nil,
        environment: [String: String] = [:]
    ) throws(ConfigurationError) -> ParsedServerConfiguration {
        let properties = try JavaProperties(text: config)
        var dynamicProperties: JavaProperties?
        if let dynamicConfig {
            do {
                dynamicProperties = try JavaProperties(text: dynamicConfig)
            } catch {
                var e = error
                e.file = .dynamicConfig
                throw e
            }
        }
        return try parse(properties: properties, myid: myid, dynamicConfig: dynamicProperties,
                         systemProperties: JVMFlags.systemProperties(environment: environment))
    }

    /// The same from already-loaded properties and system properties.
    public static func parse(
        properties: JavaProperties,
        myid: String? = nil,
        dynamicConfig: JavaProperties? = nil,
        systemProperties initialSystemProperties: [String: String] = [:]
    ) throws(ConfigurationError) -> ParsedServerConfiguration {
        var parser = ConfigurationParser(systemProperties: initialSystemProperties)
        try parser.parseProperties(properties)
        if let path = parser.config.dynamicConfigFile {
            guard let dynamicConfig else {
                // Java fails opening the file: "Error processing <path>".
                throw ConfigurationError(kind: .missing, key: "dynamicConfigFile",
                                         line: properties.entry("dynamicConfigFile")?.line,
                                         message: "Error processing " + path)
            }
            try parser.parseDynamicFile(dynamicConfig, path: path)
        }
        try parser.setupMyId(myid)
        try parser.setupClientPort()
        parser.setupPeerType()
        try parser.checkValidity()
        if !parser.config.isDistributed && parser.config.clientPortAddress == nil
            && parser.config.secureClientPortAddress == nil {
            // Java starts such a server anyway (logging only "clientPort is not set").
            parser.warnings.append(.init(key: "clientPort", line: nil,
                                         message: "clientPort is not set and secureClientPort is not set: no client can connect"))
        }
        parser.config.settings = SystemPropertySettings(systemProperties: parser.config.systemProperties,
                                                        warnings: &parser.warnings)
        return ParsedServerConfiguration(configuration: parser.config, warnings: parser.warnings)
    }

    /// `setupMyId`: the first line of the file, `Long.parseLong` with no trimming
    /// (a trailing blank is "not a number" in Java too; line breaks are not part of
    /// the line). An empty file reads as Java's null line.
    public static func parseMyId(_ text: String) throws(ConfigurationError) -> Int64 {
        let firstLine: String? = text.isEmpty
            ? nil
            : String(text.unicodeScalars.prefix { $0 != "\n" && $0 != "\r" })
        guard let firstLine, case .success(let id) = JavaLang.parseLong(firstLine) else {
            throw ConfigurationError(kind: .notANumber, key: nil, line: 1,
                                     message: "serverid \(firstLine ?? "null") is not a number", file: .myid)
        }
        return id
    }

    /// `QuorumPeerConfig.getVersionFromFilename`: the hex number after the last
    /// dot of the dynamic file's name, re-printed in lower-case hex; nil if none.
    public static func versionFromFilename(_ filename: String) -> String? {
        guard let dot = filename.lastIndex(of: ".") else { return nil }
        let hex = String(filename[filename.index(after: dot)...])
        guard let version = parseHexLong(hex) else { return nil }
        return String(UInt64(bitPattern: version), radix: 16)
    }

    /// `Long.parseLong(s, 16)`.
    static func parseHexLong(_ s: String) -> Int64? {
        var rest = Substring(s)
        var negative = false
        if let first = rest.first, first == "+" || first == "-" {
            negative = first == "-"
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty else { return nil }
        var magnitude: UInt64 = 0
        for c in rest {
            guard let digit = c.hexDigitValue else { return nil }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 16)
            let (a, o2) = m.addingReportingOverflow(UInt64(digit))
            if o1 || o2 { return nil }
            magnitude = a
        }
        if negative {
            guard magnitude <= Int64.min.magnitude else { return nil }
            return magnitude == Int64.min.magnitude ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }
}

/// The steps of QuorumPeerConfig.parse, one method each, sharing the state Java
/// keeps in fields.
private struct ConfigurationParser {
    var config = ServerConfiguration(dataDir: "")
    var warnings: [ConfigurationWarning] = []
    private var dataDirSet = false
    private var dataLogDirSet = false
    /// Where each server came from, for messages.
    private var serverLines: [Int64: (key: String, line: Int, file: ConfigurationFile)] = [:]

    init(systemProperties: [String: String]) {
        config.systemProperties = systemProperties
        // The field initialisers read these before zoo.cfg is parsed.
        config.multiAddressEnabled = JavaLang.parseBoolean(systemProperties["zookeeper.multiAddress.enabled"] ?? "false")
        config.multiAddressReachabilityCheckEnabled =
            JavaLang.parseBoolean(systemProperties["zookeeper.multiAddress.reachabilityCheckEnabled"] ?? "true")
        if let timeout = systemProperties["zookeeper.multiAddress.reachabilityCheckTimeoutMs"] {
            // Java: Integer.parseInt in a field initialiser; a bad value fails construction.
            if case .success(let ms) = JavaLang.parseInt(timeout) {
                config.multiAddressReachabilityCheckTimeoutMs = Int(ms)
            }
        }
    }

    private static func error(_ kind: ConfigurationError.Kind, _ entry: JavaProperties.Entry?, _ key: String?,
                              _ message: String, file: ConfigurationFile = .config) -> ConfigurationError {
        ConfigurationError(kind: kind, key: key, line: entry?.line, message: message, file: file)
    }

    private static func int(_ value: String, _ key: String, _ entry: JavaProperties.Entry) throws(ConfigurationError) -> Int {
        switch JavaLang.parseInt(value) {
        case .success(let v): return Int(v)
        case .failure(.format): throw error(.notANumber, entry, key, "For input string: \"\(value)\"")
        case .failure(.range): throw error(.outOfRange, entry, key, "For input string: \"\(value)\"")
        }
    }

    private static func long(_ value: String, _ key: String, _ entry: JavaProperties.Entry) throws(ConfigurationError) -> Int64 {
        switch JavaLang.parseLong(value) {
        case .success(let v): return v
        case .failure(.format): throw error(.notANumber, entry, key, "For input string: \"\(value)\"")
        case .failure(.range): throw error(.outOfRange, entry, key, "For input string: \"\(value)\"")
        }
    }

    /// QuorumPeerConfig.parseBoolean: exactly true/false, any case.
    private static func bool(_ value: String, _ key: String, _ entry: JavaProperties.Entry) throws(ConfigurationError) -> Bool {
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default:
            throw error(.invalidBoolean, entry, key, "Invalid option \(value) for \(key). Choose 'true' or 'false.'")
        }
    }

    /// `new InetSocketAddress(port)` checks the range.
    private static func port(_ port: Int, _ key: String, _ entry: JavaProperties.Entry?) throws(ConfigurationError) -> Int {
        guard (0...65535).contains(port) else { throw error(.outOfRange, entry, key, "port out of range:\(port)") }
        return port
    }

    // MARK: parseProperties

    mutating func parseProperties(_ zkProp: JavaProperties) throws(ConfigurationError) {
        var clientPort = 0
        var secureClientPort = 0
        var clientPortEntry: JavaProperties.Entry?
        var secureClientPortEntry: JavaProperties.Entry?
        var observerMasterPort = 0
        var clientPortAddress: (String, JavaProperties.Entry)?
        var secureClientPortAddress: (String, JavaProperties.Entry)?
        var minSessionTimeout = -1
        var maxSessionTimeout = -1
        var entries: [String: JavaProperties.Entry] = [:]
        let hasDynamicFile = zkProp.contains("dynamicConfigFile")

        for entry in zkProp.entries {
            let key = JavaLang.trim(entry.key)
            let value = JavaLang.trim(entry.value)
            entries[key] = entry
            switch key {
            case "dataDir": config.dataDir = value; dataDirSet = true
            case "dataLogDir": config.dataLogDir = value; dataLogDirSet = true
            case "clientPort": clientPort = try Self.int(value, key, entry); clientPortEntry = entry
            case "localSessionsEnabled": config.localSessionsEnabled = try Self.bool(value, key, entry)
            case "localSessionsUpgradingEnabled": config.localSessionsUpgradingEnabled = try Self.bool(value, key, entry)
            case "clientPortAddress": clientPortAddress = (value, entry)
            case "secureClientPort": secureClientPort = try Self.int(value, key, entry); secureClientPortEntry = entry
            case "secureClientPortAddress": secureClientPortAddress = (value, entry)
            case "observerMasterPort": observerMasterPort = try Self.int(value, key, entry)
            case "clientPortListenBacklog": config.clientPortListenBacklog = try Self.int(value, key, entry)
            case "tickTime": config.tickTime = try Self.int(value, key, entry)
            case "maxClientCnxns": config.maxClientCnxns = try Self.int(value, key, entry)
            case "minSessionTimeout": minSessionTimeout = try Self.int(value, key, entry)
            case "maxSessionTimeout": maxSessionTimeout = try Self.int(value, key, entry)
            case "initLimit": config.initLimit = try Self.int(value, key, entry)
            case "syncLimit": config.syncLimit = try Self.int(value, key, entry)
            case "connectToLearnerMasterLimit": config.connectToLearnerMasterLimit = try Self.int(value, key, entry)
            case "electionAlg":
                config.electionAlg = try Self.int(value, key, entry)
                if config.electionAlg != 3 {
                    throw Self.error(.invalidValue, entry, key, "Invalid electionAlg value. Only 3 is supported.")
                }
            case "quorumListenOnAllIPs": config.quorumListenOnAllIPs = try Self.bool(value, key, entry)
            case "peerType":
                switch value.lowercased() {
                case "observer": config.peerType = .observer
                case "participant": config.peerType = .participant
                default: throw Self.error(.invalidValue, entry, key, "Unrecognised peertype: " + value)
                }
            case "syncEnabled": config.syncEnabled = try Self.bool(value, key, entry)
            case "dynamicConfigFile": config.dynamicConfigFile = value
            case "autopurge.snapRetainCount": config.snapRetainCount = try Self.int(value, key, entry)
            case "autopurge.purgeInterval": config.purgeInterval = try Self.int(value, key, entry)
            case "standaloneEnabled": config.standaloneEnabled = try Self.bool(value, key, entry)
            case "reconfigEnabled": config.reconfigEnabled = try Self.bool(value, key, entry)
            case "sslQuorum": config.sslQuorum = try Self.bool(value, key, entry)
            case "portUnification": config.portUnification = try Self.bool(value, key, entry)
            case "sslQuorumReloadCertFiles": config.sslQuorumReloadCertFiles = try Self.bool(value, key, entry)
            case _ where (key.hasPrefix("server.") || key.hasPrefix("group") || key.hasPrefix("weight")) && hasDynamicFile:
                throw Self.error(.misplacedKey, entry, key, "parameter: \(key) must be in a separate dynamic config file")
            case "quorum.auth.enableSasl": config.quorumEnableSasl = try Self.bool(value, key, entry)
            case "quorum.auth.serverRequireSasl": config.quorumServerRequireSasl = try Self.bool(value, key, entry)
            case "quorum.auth.learnerRequireSasl": config.quorumLearnerRequireSasl = try Self.bool(value, key, entry)
            case "quorum.auth.learner.saslLoginContext": config.quorumLearnerLoginContext = value
            case "quorum.auth.server.saslLoginContext": config.quorumServerLoginContext = value
            case "quorum.auth.kerberos.servicePrincipal": config.quorumServicePrincipal = value
            case "quorum.cnxn.threads.size": config.quorumCnxnThreadsSize = try Self.int(value, key, entry)
            case "jvm.pause.info-threshold.ms": config.jvmPauseInfoThresholdMs = try Self.long(value, key, entry)
            case "jvm.pause.warn-threshold.ms": config.jvmPauseWarnThresholdMs = try Self.long(value, key, entry)
            case "jvm.pause.sleep.time.ms": config.jvmPauseSleepTimeMs = try Self.long(value, key, entry)
            case "jvm.pause.monitor": config.jvmPauseMonitorToRun = try Self.bool(value, key, entry)
            case "metricsProvider.className": config.metricsProviderClassName = value
            case _ where key.hasPrefix("metricsProvider."):
                config.metricsProviderConfiguration[String(key.dropFirst("metricsProvider.".count))] = value
            case "multiAddress.enabled": config.multiAddressEnabled = try Self.bool(value, key, entry)
            case "multiAddress.reachabilityCheckTimeoutMs":
                config.multiAddressReachabilityCheckTimeoutMs = try Self.int(value, key, entry)
            case "multiAddress.reachabilityCheckEnabled":
                config.multiAddressReachabilityCheckEnabled = try Self.bool(value, key, entry)
            case "oraclePath": config.oraclePath = value
            default:
                // Java: System.setProperty("zookeeper." + key, value), unconditionally,
                // so "zookeeper.x" in zoo.cfg becomes "zookeeper.zookeeper.x". server.N
                // lines land here too (and are also read as the server list below).
                config.systemProperties["zookeeper." + key] = value
            }
        }

        if !config.quorumEnableSasl && config.quorumServerRequireSasl {
            throw Self.error(.conflict, entries["quorum.auth.serverRequireSasl"], "quorum.auth.serverRequireSasl",
                             "quorum.auth.enableSasl is disabled, so cannot enable quorum.auth.serverRequireSasl")
        }
        if !config.quorumEnableSasl && config.quorumLearnerRequireSasl {
            throw Self.error(.conflict, entries["quorum.auth.learnerRequireSasl"], "quorum.auth.learnerRequireSasl",
                             "quorum.auth.enableSasl is disabled, so cannot enable quorum.auth.learnerRequireSasl")
        }
        if !config.quorumLearnerRequireSasl && config.quorumServerRequireSasl {
            throw Self.error(.conflict, entries["quorum.auth.serverRequireSasl"], "quorum.auth.serverRequireSasl",
                             "quorum.auth.learnerRequireSasl is disabled, so cannot enable quorum.auth.serverRequireSasl")
        }

        if config.snapRetainCount < 3 {
            warnings.append(.init(key: "autopurge.snapRetainCount", line: entries["autopurge.snapRetainCount"]?.line,
                                  message: "Invalid autopurge.snapRetainCount: \(config.snapRetainCount). Defaulting to 3"))
            config.snapRetainCount = 3
        }

        if !dataDirSet {
            throw ConfigurationError(kind: .missing, key: "dataDir", line: nil, message: "dataDir is not set")
        }
        if !dataLogDirSet {
            config.dataLogDir = config.dataDir
        }

        // 3.8.0 keeps the port in an int that starts at 0, so clientPort=0 is "not set".
        if clientPort == 0 {
            if let (_, entry) = clientPortAddress {
                throw Self.error(.missing, entry, "clientPort", "clientPortAddress is set but clientPort is not set")
            }
        } else {
            config.clientPortAddress = .init(host: clientPortAddress?.0,
                                             port: try Self.port(clientPort, "clientPort", clientPortEntry))
        }
        if secureClientPort == 0 {
            if let (_, entry) = secureClientPortAddress {
                throw Self.error(.missing, entry, "secureClientPort", "secureClientPortAddress is set but secureClientPort is not set")
            }
        } else {
            config.secureClientPortAddress = .init(host: secureClientPortAddress?.0,
                                                   port: try Self.port(secureClientPort, "secureClientPort", secureClientPortEntry))
        }
        config.observerMasterPort = observerMasterPort > 0 ? observerMasterPort : nil

        if config.tickTime == 0 {
            throw Self.error(.missing, entries["tickTime"], "tickTime", "tickTime is not set")
        }
        // Java multiplies in int arithmetic; wrap the same way rather than trap.
        config.minSessionTimeout = minSessionTimeout == -1 ? Int(Int32(truncatingIfNeeded: config.tickTime &* 2)) : minSessionTimeout
        config.maxSessionTimeout = maxSessionTimeout == -1 ? Int(Int32(truncatingIfNeeded: config.tickTime &* 20)) : maxSessionTimeout
        if config.minSessionTimeout > config.maxSessionTimeout {
            throw Self.error(.conflict, entries["minSessionTimeout"] ?? entries["maxSessionTimeout"], "minSessionTimeout",
                             "minSessionTimeout must not be larger than maxSessionTimeout")
        }

        if config.dynamicConfigFile == nil {
            try parseDynamicConfig(zkProp, file: .config, backwardCompatible: true)
        }
    }

    // MARK: dynamic configuration

    /// The part of QuorumPeerConfig.parse that loads the dynamic file.
    mutating func parseDynamicFile(_ dynamicProperties: JavaProperties, path: String) throws(ConfigurationError) {
        var properties = dynamicProperties
        if let entry = properties.entry("version") {
            throw Self.error(.misplacedKey, entry, "version", "dynamic file shouldn't have version inside", file: .dynamicConfig)
        }
        if let version = ServerConfiguration.versionFromFilename(path) {
            properties.set("version", version)
        }
        try parseDynamicConfig(properties, file: .dynamicConfig, backwardCompatible: false)
    }

    /// QuorumPeerConfig.parseDynamicConfig with QuorumMaj's server parsing.
    mutating func parseDynamicConfig(_ properties: JavaProperties, file: ConfigurationFile,
                                     backwardCompatible: Bool) throws(ConfigurationError) {
        for entry in properties.entries {
            let key = JavaLang.trim(entry.key)
            if key.hasPrefix("group") || key.hasPrefix("weight") { continue }
            if !backwardCompatible && !key.hasPrefix("server.") && key != "version" {
                throw Self.error(.invalidValue, entry, key, "Unrecognised parameter: " + key, file: file)
            }
        }

        var servers: [Int64: QuorumServer] = [:]
        let multiAddress = JavaLang.parseBoolean(config.systemProperties["zookeeper.multiAddress.enabled"] ?? "false")
        for entry in properties.entries {
            // QuorumMaj uses the raw key and value, untrimmed.
            let key = entry.key
            if key.hasPrefix("server.") {
                let idText = String(key.dropFirst("server.".count))
                guard case .success(let sid) = JavaLang.parseLong(idText) else {
                    throw Self.error(.invalidServer, entry, key, "For input string: \"\(idText)\"", file: file)
                }
                if let previous = serverLines[sid] {
                    // Java keeps one of them, whichever its hash table yields last; refuse instead.
                    throw Self.error(.duplicateServerId, entry, key,
                                     "server id \(sid) is already defined by \(previous.key) on line \(previous.line)", file: file)
                }
                switch QuorumServer.parse(id: sid, entry.value, multiAddressEnabled: multiAddress) {
                case .success(let server):
                    servers[sid] = server
                    serverLines[sid] = (key, entry.line, file)
                case .failure(var e):
                    e.key = key
                    e.line = entry.line
                    e.file = file
                    throw e
                }
            } else if key == "version" {
                guard let version = ServerConfiguration.parseHexLong(entry.value) else {
                    throw Self.error(.notANumber, entry, key, "For input string: \"\(entry.value)\" under radix 16", file: file)
                }
                config.configVersion = version
            }
        }
        config.servers = servers.values.sorted { $0.id < $1.id }

        let participants = config.participants.count
        let observers = config.observers.count
        let firstObserver = config.observers.first.flatMap { serverLines[$0.id] }
        if participants == 0 {
            if !config.standaloneEnabled {
                throw ConfigurationError(kind: .conflict, key: "standaloneEnabled", line: nil,
                                         message: "standaloneEnabled = false then number of participants should be >0", file: file)
            }
            if observers > 0 {
                throw ConfigurationError(kind: .conflict, key: firstObserver?.key, line: firstObserver?.line,
                                         message: "Observers w/o participants is an invalid configuration", file: file)
            }
        } else if participants == 1 && config.standaloneEnabled {
            // Java logs this at ERROR but carries on as a standalone server.
            let only = serverLines[config.participants[0].id]
            warnings.append(.init(key: only?.key, line: only?.line,
                                  message: "Invalid configuration, only one server specified (ignoring)"))
            if observers > 0 {
                throw ConfigurationError(kind: .conflict, key: firstObserver?.key, line: firstObserver?.line,
                                         message: "Observers w/o quorum is an invalid configuration", file: file)
            }
        } else if participants <= 2 {
            warnings.append(.init(key: nil, line: nil, message: "No server failure will be tolerated. You need at least 3 servers."))
        } else if participants % 2 == 0 {
            warnings.append(.init(key: nil, line: nil, message: "Non-optimal configuration, consider an odd number of servers."))
        }
    }

    // MARK: setupMyId, setupClientPort, setupPeerType, checkValidity

    mutating func setupMyId(_ text: String?) throws(ConfigurationError) {
        guard let text else { return }
        config.serverId = try ServerConfiguration.parseMyId(text)
    }

    mutating func setupClientPort() throws(ConfigurationError) {
        guard let serverId = config.serverId,
              let index = config.servers.firstIndex(where: { $0.id == serverId }) else { return }
        let server = config.servers[index]
        if let clientPortAddress = config.clientPortAddress, let clientAddress = server.clientAddress {
            // Without resolving names, "equal" is the same host text and port.
            let differs = clientPortAddress.isWildcard
                ? clientPortAddress.port != clientAddress.port
                : (clientPortAddress.host != clientAddress.host || clientPortAddress.port != clientAddress.port)
            if differs {
                let line = serverLines[serverId]
                throw ConfigurationError(
                    kind: .conflict, key: line?.key, line: line?.line,
                    message: "client address for this server (id = \(serverId)) in static config file is "
                        + "\(clientPortAddress.host ?? "0.0.0.0"):\(clientPortAddress.port)"
                        + " is different from client address found in dynamic file: "
                        + "\(clientAddress.host):\(clientAddress.port)",
                    file: line?.file ?? .config)
            }
        }
        if let clientAddress = server.clientAddress {
            config.clientPortAddress = .init(host: clientAddress.host, port: clientAddress.port)
        } else if let clientPortAddress = config.clientPortAddress {
            config.servers[index].clientAddress = .init(host: clientPortAddress.host ?? "0.0.0.0", port: clientPortAddress.port)
            config.servers[index].clientAddressFromStaticConfig = true
        }
    }

    mutating func setupPeerType() {
        let byServerList: QuorumServer.Role =
            config.observers.contains { $0.id == config.serverId } ? .observer : .participant
        if byServerList != config.peerType {
            warnings.append(.init(
                key: "peerType", line: nil,
                message: "Peer type from servers list (\(byServerList.javaName)) doesn't match peerType "
                    + "(\(config.peerType.javaName)). Defaulting to servers list."))
            config.peerType = byServerList
        }
    }

    func checkValidity() throws(ConfigurationError) {
        if config.isDistributed {
            if config.initLimit == 0 {
                throw ConfigurationError(kind: .missing, key: "initLimit", line: nil, message: "initLimit is not set")
            }
            if config.syncLimit == 0 {
                throw ConfigurationError(kind: .missing, key: "syncLimit", line: nil, message: "syncLimit is not set")
            }
            guard let serverId = config.serverId else {
                throw ConfigurationError(kind: .missing, key: nil, line: nil, message: "myid file is missing", file: .myid)
            }
            // QuorumPeer.start refuses this; catching it here gives a config error instead.
            if !config.servers.contains(where: { $0.id == serverId }) {
                throw ConfigurationError(kind: .conflict, key: nil, line: 1,
                                         message: "My id \(serverId) not in the peer list", file: .myid)
            }
        }
    }
}
