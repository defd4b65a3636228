import Testing
@testable import ZooKeeperServerConfig

/// Real-world files: Debian's packaged zoo.cfg and a quorum with an observer.
struct SampleConfigTests {
    /// /etc/zookeeper/conf/zoo.cfg from Debian's zookeeper 3.8.0-11 (trailing blanks kept).
    static let debianZooCfg = """
        # The number of milliseconds of each tick
        tickTime=2000
        # The number of ticks that the initial 
        # synchronization phase can take
        initLimit=10
        # The number of ticks that can pass between 
        # sending a request and getting an acknowledgement
        syncLimit=5
        # the directory where the snapshot is stored.
        # do not use /tmp for storage, /tmp here is just 
        # example sakes.
        dataDir=/tmp/zookeeper
        # the port at which the clients will connect
        clientPort=2181
        # the maximum number of client connections.
        # increase this if you need to handle more clients
        #maxClientCnxns=60
        #
        # Be sure to read the maintenance section of the 
        # administrator guide before turning on autopurge.
        #
        # https://zookeeper.apache.org/doc/current/zookeeperAdmin.html#sc_maintenance
        #
        # The number of snapshots to retain in dataDir
        #autopurge.snapRetainCount=3
        # Purge task interval in hours
        # Set to "0" to disable auto purge feature
        #autopurge.purgeInterval=1

        ## Metrics Providers
        #
        # https://prometheus.io Metrics Exporter
        #metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider
        #metricsProvider.httpHost=0.0.0.0
        #metricsProvider.httpPort=7000
        #metricsProvider.exportJvmInfo=true

        """

    @Test func debianSample() throws {
        let parsed = try ServerConfiguration.parse(config: Self.debianZooCfg)
        let c = parsed.configuration
        #expect(c.tickTime == 2000)
        #expect(c.initLimit == 10)
        #expect(c.syncLimit == 5)
        #expect(c.dataDir == "/tmp/zookeeper")
        #expect(c.dataLogDir == "/tmp/zookeeper")
        #expect(c.clientPortAddress == .init(host: nil, port: 2181))
        #expect(c.secureClientPortAddress == nil)
        #expect(c.minSessionTimeout == 4000)
        #expect(c.maxSessionTimeout == 40000)
        #expect(c.maxClientCnxns == 60)
        #expect(c.snapRetainCount == 3)
        #expect(c.purgeInterval == 0)
        #expect(c.servers.isEmpty)
        #expect(!c.isDistributed)
        #expect(c.systemProperties.isEmpty)
        #expect(c.metricsProviderClassName == "org.apache.zookeeper.metrics.impl.DefaultMetricsProvider")
        #expect(parsed.warnings.isEmpty)
    }

    /// Debian's placeholder myid is not a number, and Java says so in these words.
    @Test func debianPlaceholderMyId() {
        let myid = "replace this text with the cluster-unique zookeeper's instance id (1-255)\n"
        #expect(throws: ConfigurationError(
            kind: .notANumber, key: nil, line: 1,
            message: "serverid replace this text with the cluster-unique zookeeper's instance id (1-255) is not a number",
            file: .myid)) {
            try ServerConfiguration.parse(config: Self.debianZooCfg, myid: myid)
        }
    }

    static let ensemble = """
        tickTime=2000
        initLimit=10
        syncLimit=5
        dataDir=/var/lib/zookeeper
        dataLogDir=/var/lib/zookeeper-log
        clientPort=2181
        server.1=zk1.example.com:2888:3888
        server.2=zk2.example.com:2888:3888;2182
        server.3=[fe80::1]:2888:3888:participant;10.0.0.3:2183
        server.4=zk4.example.com:2888:3888:observer
        4lw.commands.whitelist=ruok, mntr ,stat
        """

    @Test func threeServersAndAnObserver() throws {
        let parsed = try ServerConfiguration.parse(config: Self.ensemble, myid: "1\n")
        let c = parsed.configuration
        #expect(c.isDistributed)
        #expect(c.serverId == 1)
        #expect(c.servers.map(\.id) == [1, 2, 3, 4])
        #expect(c.participants.map(\.id) == [1, 2, 3])
        #expect(c.observers.map(\.id) == [4])
        // setupClientPort: server.1 has no client address, so clientPort fills it in.
        #expect(c.servers[0] == QuorumServer(
            id: 1, addresses: [.init(host: "zk1.example.com", quorumPort: 2888, electionPort: 3888)],
            clientAddress: .init(host: "0.0.0.0", port: 2181), clientAddressFromStaticConfig: true))
        #expect(c.servers[1].clientAddress == .init(host: "0.0.0.0", port: 2182))
        #expect(c.servers[2].host == "fe80::1")
        #expect(c.servers[2].clientAddress == .init(host: "10.0.0.3", port: 2183))
        #expect(c.servers[3].role == .observer)
        #expect(c.servers[3].electionPort == 3888)
        #expect(c.clientPortAddress == .init(host: nil, port: 2181))
        #expect(c.peerType == .participant)
        #expect(c.dataLogDir == "/var/lib/zookeeper-log")
        // Unknown keys, server lines included, become zookeeper.* system properties.
        #expect(c.systemProperties["zookeeper.server.1"] == "zk1.example.com:2888:3888")
        #expect(c.settings.fourLetterWordWhitelist == ["ruok", "mntr", "stat", "srvr"])
        #expect(parsed.warnings.isEmpty)
    }

    @Test func clientAddressFromTheServerLine() throws {
        // With no clientPort, this server's line supplies the client address.
        let cfg = Self.ensemble.split(separator: "\n").filter { !$0.hasPrefix("clientPort") }.joined(separator: "\n")
        let c = try ServerConfiguration.parse(config: cfg, myid: "3").configuration
        #expect(c.clientPortAddress == .init(host: "10.0.0.3", port: 2183))
    }

    @Test func clientPortMismatchWithServerLine() {
        // A wildcard clientPort must at least match the line's port (Java compares ports only).
        #expect(throws: ConfigurationError(
            kind: .conflict, key: "server.2", line: 8,
            message: "client address for this server (id = 2) in static config file is 0.0.0.0:2181"
                + " is different from client address found in dynamic file: 0.0.0.0:2182")) {
            try ServerConfiguration.parse(config: Self.ensemble, myid: "2")
        }
        let cfg = Self.ensemble
        // clientPort 2181 (wildcard) against server.3's 10.0.0.3:2183: Java refuses.
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.parse(config: cfg, myid: "3")
        }
        do {
            _ = try ServerConfiguration.parse(config: cfg, myid: "3")
        } catch {
            #expect(error.kind == .conflict)
            #expect(error.key == "server.3")
            #expect(error.line == 9)
            #expect(error.message.hasPrefix("client address for this server (id = 3) in static config file is"))
        }
    }

    @Test func observerTakesItsRoleFromTheServerList() throws {
        // Java only warns when peerType is missing or disagrees, and uses the list.
        let parsed = try ServerConfiguration.parse(config: Self.ensemble, myid: "4")
        #expect(parsed.configuration.peerType == .observer)
        #expect(parsed.warnings.map(\.message) == [
            "Peer type from servers list (OBSERVER) doesn't match peerType (PARTICIPANT). Defaulting to servers list.",
        ])
        let agreeing = try ServerConfiguration.parse(config: Self.ensemble + "\npeerType=observer", myid: "4")
        #expect(agreeing.warnings.isEmpty)
        #expect(agreeing.configuration.peerType == .observer)
        // The server line's client address fills nothing here: server.4 has none, so clientPort does.
        #expect(agreeing.configuration.ownServer?.clientAddress == .init(host: "0.0.0.0", port: 2181))
        #expect(agreeing.configuration.ownServer?.clientAddressFromStaticConfig == true)
    }

    @Test func dynamicConfigFile() throws {
        let cfg = """
            dataDir=/data
            initLimit=5
            syncLimit=2
            dynamicConfigFile=/conf/zoo.cfg.dynamic.100000000
            reconfigEnabled=true
            """
        let dynamic = """
            server.1=a:2888:3888:participant;2181
            server.2=b:2888:3888:participant;2181
            server.3=c:2888:3888:participant;2181
            """
        let c = try ServerConfiguration.parse(config: cfg, myid: "1", dynamicConfig: dynamic).configuration
        #expect(c.servers.count == 3)
        #expect(c.configVersion == 0x100000000)
        #expect(c.reconfigEnabled)
        #expect(c.clientPortAddress == .init(host: "0.0.0.0", port: 2181))
        #expect(ServerConfiguration.versionFromFilename("zoo.cfg.dynamic") == nil)
        #expect(ServerConfiguration.versionFromFilename("zoo.cfg.dynamic.1001") == "1001")

        #expect(throws: ConfigurationError(kind: .invalidValue, key: "tickTime", line: 4,
                                           message: "Unrecognised parameter: tickTime", file: .dynamicConfig)) {
            try ServerConfiguration.parse(config: cfg, myid: "1", dynamicConfig: dynamic + "\ntickTime=1")
        }
        #expect(throws: ConfigurationError(kind: .misplacedKey, key: "version", line: 1,
                                           message: "dynamic file shouldn't have version inside", file: .dynamicConfig)) {
            try ServerConfiguration.parse(config: cfg, myid: "1", dynamicConfig: "version=5\n" + dynamic)
        }
        #expect(throws: ConfigurationError(kind: .misplacedKey, key: "server.1", line: 6,
                                           message: "parameter: server.1 must be in a separate dynamic config file")) {
            try ServerConfiguration.parse(config: cfg + "\nserver.1=a:1:2", myid: "1", dynamicConfig: dynamic)
        }
        #expect(throws: ConfigurationError(kind: .missing, key: "dynamicConfigFile", line: 4,
                                           message: "Error processing /conf/zoo.cfg.dynamic.100000000")) {
            try ServerConfiguration.parse(config: cfg, myid: "1")
        }
    }

    @Test func multipleAddressesNeedTheSystemProperty() throws {
        let cfg = """
            dataDir=/d
            initLimit=5
            syncLimit=2
            server.1=a1:2888:3888|a2:2889:3889
            server.2=b:2888:3888
            server.3=c:2888:3888
            """
        #expect(throws: ConfigurationError(
            kind: .invalidServer, key: "server.1", line: 4,
            message: "Multiple address feature is disabled, but multiple addresses were specified for sid 1")) {
            try ServerConfiguration.parse(config: cfg, myid: "1")
        }
        // The zoo.cfg key sets the QuorumPeer field only; QuorumServer reads the -D property.
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.parse(config: cfg + "\nmultiAddress.enabled=true", myid: "1")
        }
        let c = try ServerConfiguration.parse(
            config: cfg, myid: "1",
            environment: ["SERVER_JVMFLAGS": "-Dzookeeper.multiAddress.enabled=true"]).configuration
        #expect(c.multiAddressEnabled)
        #expect(c.servers[0].addresses == [
            .init(host: "a1", quorumPort: 2888, electionPort: 3888),
            .init(host: "a2", quorumPort: 2889, electionPort: 3889),
        ])
    }

    @Test func embeddedDefault() throws {
        let c = ServerConfiguration.embeddedDefault
        #expect(c.dataDir == "./zookeeper-data")
        #expect(c.dataLogDir == "./zookeeper-data")
        #expect(c.clientPortAddress == .init(host: nil, port: 2181))
        #expect(c.clientPortAddress?.isWildcard == true)
        #expect(!c.isDistributed)
        #expect(try ServerConfiguration.parse(config: ServerConfiguration.embeddedDefaultText).warnings.isEmpty)
        var expected = ServerConfiguration(dataDir: "./zookeeper-data")
        expected.clientPortAddress = .init(port: 2181)
        #expect(c == expected)
    }
}
