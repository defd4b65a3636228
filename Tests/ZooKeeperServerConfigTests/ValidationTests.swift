import Testing
@testable import ZooKeeperServerConfig

/// Errors and warnings, with Java's own message texts.
struct ValidationTests {
    /// The error parsing `config` throws, or nil.
    func error(_ config: String, myid: String? = nil, environment: [String: String] = [:]) -> ConfigurationError? {
        do {
            _ = try ServerConfiguration.parse(config: config, myid: myid, environment: environment)
            return nil
        } catch {
            return error
        }
    }

    func expectError(_ config: String, myid: String? = nil, kind: ConfigurationError.Kind, key: String?, line: Int?,
                     _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let e = error(config, myid: myid)
        #expect(e?.kind == kind, sourceLocation: sourceLocation)
        #expect(e?.key == key, sourceLocation: sourceLocation)
        #expect(e?.line == line, sourceLocation: sourceLocation)
        #expect(e?.message == message, sourceLocation: sourceLocation)
    }

    static let quorum = """
        dataDir=/d
        clientPort=2181
        initLimit=10
        syncLimit=5
        server.1=a:2888:3888
        server.2=b:2888:3888
        server.3=c:2888:3888
        """

    @Test func dataDirMissing() {
        expectError("clientPort=2181", kind: .missing, key: "dataDir", line: nil, "dataDir is not set")
    }

    @Test func notANumber() {
        expectError("dataDir=/d\nclientPort=21a", kind: .notANumber, key: "clientPort", line: 2,
                    "For input string: \"21a\"")
        expectError("dataDir=/d\n\ntickTime=99999999999", kind: .outOfRange, key: "tickTime", line: 3,
                    "For input string: \"99999999999\"")
        expectError("dataDir=/d\njvm.pause.sleep.time.ms=x", kind: .notANumber, key: "jvm.pause.sleep.time.ms", line: 2,
                    "For input string: \"x\"")
    }

    @Test func valuesAreTrimmed() throws {
        let c = try ServerConfiguration.parse(config: "dataDir = /d \nclientPort=2181  \n").configuration
        #expect(c.dataDir == "/d")
        #expect(c.clientPortAddress?.port == 2181)
    }

    @Test func portOutOfRange() {
        expectError("dataDir=/d\nclientPort=70000", kind: .outOfRange, key: "clientPort", line: 2, "port out of range:70000")
        expectError("dataDir=/d\nsecureClientPort=-1", kind: .outOfRange, key: "secureClientPort", line: 2, "port out of range:-1")
    }

    @Test func invalidBoolean() {
        expectError("dataDir=/d\nstandaloneEnabled=yes", kind: .invalidBoolean, key: "standaloneEnabled", line: 2,
                    "Invalid option yes for standaloneEnabled. Choose 'true' or 'false.'")
    }

    @Test func booleansIgnoreCase() throws {
        let c = try ServerConfiguration.parse(config: "dataDir=/d\nclientPort=1\nlocalSessionsEnabled=TRUE").configuration
        #expect(c.localSessionsEnabled)
    }

    @Test func electionAlgAndPeerType() {
        expectError("dataDir=/d\nelectionAlg=1", kind: .invalidValue, key: "electionAlg", line: 2,
                    "Invalid electionAlg value. Only 3 is supported.")
        expectError("dataDir=/d\npeerType=leader", kind: .invalidValue, key: "peerType", line: 2,
                    "Unrecognised peertype: leader")
    }

    @Test func clientPortAddressWithoutPort() {
        expectError("dataDir=/d\nclientPortAddress=127.0.0.1", kind: .missing, key: "clientPort", line: 2,
                    "clientPortAddress is set but clientPort is not set")
        expectError("dataDir=/d\nsecureClientPortAddress=::1", kind: .missing, key: "secureClientPort", line: 2,
                    "secureClientPortAddress is set but secureClientPort is not set")
    }

    @Test func clientPortAddressKept() throws {
        let c = try ServerConfiguration.parse(
            config: "dataDir=/d\nclientPort=2181\nclientPortAddress=127.0.0.1\nsecureClientPort=2281").configuration
        #expect(c.clientPortAddress == .init(host: "127.0.0.1", port: 2181))
        #expect(c.secureClientPortAddress == .init(host: nil, port: 2281))
    }

    @Test func tickTimeZero() {
        expectError("dataDir=/d\ntickTime=0", kind: .missing, key: "tickTime", line: 2, "tickTime is not set")
    }

    @Test func sessionTimeouts() {
        expectError("dataDir=/d\nminSessionTimeout=10000\nmaxSessionTimeout=5000", kind: .conflict,
                    key: "minSessionTimeout", line: 2, "minSessionTimeout must not be larger than maxSessionTimeout")
        // With the default max (20 ticks = 60000).
        expectError("dataDir=/d\nminSessionTimeout=70000", kind: .conflict,
                    key: "minSessionTimeout", line: 2, "minSessionTimeout must not be larger than maxSessionTimeout")
    }

    @Test func sasl() {
        expectError("dataDir=/d\nquorum.auth.serverRequireSasl=true", kind: .conflict,
                    key: "quorum.auth.serverRequireSasl", line: 2,
                    "quorum.auth.enableSasl is disabled, so cannot enable quorum.auth.serverRequireSasl")
        expectError("dataDir=/d\nquorum.auth.learnerRequireSasl=true", kind: .conflict,
                    key: "quorum.auth.learnerRequireSasl", line: 2,
                    "quorum.auth.enableSasl is disabled, so cannot enable quorum.auth.learnerRequireSasl")
        expectError("dataDir=/d\nquorum.auth.enableSasl=true\nquorum.auth.serverRequireSasl=true", kind: .conflict,
                    key: "quorum.auth.serverRequireSasl", line: 3,
                    "quorum.auth.learnerRequireSasl is disabled, so cannot enable quorum.auth.serverRequireSasl")
    }

    @Test func badServerLines() {
        let wrongFormat = " does not have the form server_config or server_config;client_config"
            + " where server_config is the pipe separated list of host:port:port or host:port:port:type"
            + " and client_config is port or host:port"
        expectError("dataDir=/d\nserver.1=a:2888", kind: .invalidServer, key: "server.1", line: 2,
                    "a:2888" + wrongFormat)
        expectError("dataDir=/d\nserver.1=a:1:2;b:3;c", kind: .invalidServer, key: "server.1", line: 2,
                    "a:1:2;b:3;c" + wrongFormat)
        expectError("dataDir=/d\nserver.1=a:1:2;h:p:3", kind: .invalidServer, key: "server.1", line: 2,
                    "a:1:2;h:p:3" + wrongFormat)
        expectError("dataDir=/d\nserver.1=a:x:3888", kind: .invalidServer, key: "server.1", line: 2,
                    "Address unresolved: a:x")
        expectError("dataDir=/d\nserver.1=a:2888:3888;x", kind: .invalidServer, key: "server.1", line: 2,
                    "Address unresolved: null:x")
        expectError("dataDir=/d\nserver.1=a:2888:2888", kind: .invalidServer, key: "server.1", line: 2,
                    "Client and election port must be different! Please update the configuration file on server.1")
        expectError("dataDir=/d\nserver.1=a:2888:3888:leader", kind: .invalidValue, key: "server.1", line: 2,
                    "Unrecognised peertype: leader")
        expectError("dataDir=/d\nserver.x=a:2888:3888", kind: .invalidServer, key: "server.x", line: 2,
                    "For input string: \"x\"")
        expectError("dataDir=/d\nserver.1=[::1:2888:3888", kind: .invalidServer, key: "server.1", line: 2,
                    "[::1:2888:3888 starts with '[' but has no matching ']:'")
        expectError("dataDir=/d\nserver.1=a:99999:3888", kind: .outOfRange, key: "server.1", line: 2,
                    "port out of range:99999")
        // QuorumMaj does not trim the value: a trailing blank spoils the last port, as in Java.
        expectError("dataDir=/d\nserver.1=a:2888:3888 ", kind: .invalidServer, key: "server.1", line: 2,
                    "Address unresolved: a:3888 ")
        expectError("dataDir=/d\nserver.1=|||", kind: .invalidServer, key: "server.1", line: 2,
                    "|||" + wrongFormat)
    }

    @Test func duplicateServerIds() {
        expectError(Self.quorum + "\nserver.01=d:2888:3888", myid: "1", kind: .duplicateServerId, key: "server.01", line: 8,
                    "server id 1 is already defined by server.1 on line 5")
    }

    @Test func quorumRequirements() {
        expectError(Self.quorum.replacingInitLimit(), myid: "1", kind: .missing, key: "initLimit", line: nil,
                    "initLimit is not set")
        expectError(Self.quorum, kind: .missing, key: nil, line: nil, "myid file is missing")
        expectError(Self.quorum, myid: "9", kind: .conflict, key: nil, line: 1, "My id 9 not in the peer list")
        expectError(Self.quorum, myid: "1 ", kind: .notANumber, key: nil, line: 1, "serverid 1  is not a number")
        expectError(Self.quorum, myid: "", kind: .notANumber, key: nil, line: 1, "serverid null is not a number")
    }

    @Test func myidFirstLineOnly() throws {
        #expect(try ServerConfiguration.parseMyId("3\r\nignored") == 3)
        #expect(try ServerConfiguration.parseMyId("-1") == -1)
    }

    @Test func observersNeedParticipants() {
        expectError("dataDir=/d\nserver.1=a:1:2:observer", kind: .conflict, key: "server.1", line: 2,
                    "Observers w/o participants is an invalid configuration")
        expectError("dataDir=/d\nserver.1=a:1:2\nserver.2=b:1:2:observer", kind: .conflict, key: "server.2", line: 3,
                    "Observers w/o quorum is an invalid configuration")
        expectError("dataDir=/d\nstandaloneEnabled=false", kind: .conflict, key: "standaloneEnabled", line: nil,
                    "standaloneEnabled = false then number of participants should be >0")
    }

    @Test func warnings() throws {
        let single = try ServerConfiguration.parse(config: "dataDir=/d\nclientPort=1\nserver.1=a:1:2")
        #expect(!single.configuration.isDistributed)
        #expect(single.warnings == [.init(key: "server.1", line: 3,
                                          message: "Invalid configuration, only one server specified (ignoring)")])

        let two = try ServerConfiguration.parse(
            config: "dataDir=/d\nclientPort=1\ninitLimit=1\nsyncLimit=1\nserver.1=a:1:2\nserver.2=b:1:2", myid: "1")
        #expect(two.warnings.map(\.message) == ["No server failure will be tolerated. You need at least 3 servers."])

        let four = try ServerConfiguration.parse(config: Self.quorum + "\nserver.4=d:1:2", myid: "1")
        #expect(four.warnings.map(\.message) == ["Non-optimal configuration, consider an odd number of servers."])

        let retain = try ServerConfiguration.parse(config: "dataDir=/d\nclientPort=1\nautopurge.snapRetainCount=1")
        #expect(retain.configuration.snapRetainCount == 3)
        #expect(retain.warnings == [.init(key: "autopurge.snapRetainCount", line: 3,
                                          message: "Invalid autopurge.snapRetainCount: 1. Defaulting to 3")])

        let noPort = try ServerConfiguration.parse(config: "dataDir=/d")
        #expect(noPort.configuration.clientPortAddress == nil)
        #expect(noPort.warnings.map(\.key) == ["clientPort"])

        // 3.8.0: clientPort=0 is "not set".
        let zero = try ServerConfiguration.parse(config: "dataDir=/d\nclientPort=0\nsecureClientPort=2281")
        #expect(zero.configuration.clientPortAddress == nil)
        #expect(zero.warnings.isEmpty)

        let peer = try ServerConfiguration.parse(config: "dataDir=/d\nclientPort=1\npeerType=observer")
        #expect(peer.configuration.peerType == .participant)
        #expect(peer.warnings.map(\.message) == [
            "Peer type from servers list (PARTICIPANT) doesn't match peerType (OBSERVER). Defaulting to servers list.",
        ])
    }

    @Test func errorDescriptionNamesFileLineAndKey() {
        let e = error("dataDir=/d\nclientPort=x")
        #expect(e?.description == "zoo.cfg:2: clientPort: For input string: \"x\"")
    }

    @Test func metricsProviderKeys() throws {
        let c = try ServerConfiguration.parse(config: """
            dataDir=/d
            clientPort=1
            metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider
            metricsProvider.httpPort=7000
            """).configuration
        #expect(c.metricsProviderClassName == "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider")
        #expect(c.metricsProviderConfiguration == ["httpPort": "7000"])
    }
}

private extension String {
    func replacingInitLimit() -> String {
        split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("initLimit") }
            .joined(separator: "\n")
    }
}
