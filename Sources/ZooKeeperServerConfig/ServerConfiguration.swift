/// Everything `zkserver` needs from `zoo.cfg`, `myid` and the JVM flags, typed,
/// with Java's defaults (ZooKeeper 3.8.0, the version the project is checked
/// against). Defaults cite the Java field or constant they copy.
///
/// Build one with `ServerConfiguration.parse(...)`, or `init(dataDir:)` for
/// Java's defaults around a data directory, or `embeddedDefault` for
/// `zkserver` run with no arguments.
public struct ServerConfiguration: Sendable, Equatable {
    /// A host (nil = all addresses, Java's `new InetSocketAddress(port)`) and port.
    public struct ListenAddress: Sendable, Equatable {
        public var host: String?
        public var port: Int

        public init(host: String? = nil, port: Int) {
            self.host = host
            self.port = port
        }

        /// No host, or a wildcard one ("0.0.0.0", "::"): Java's isAnyLocalAddress.
        public var isWildcard: Bool {
            guard let host else { return true }
            return host == "0.0.0.0" || host == "::" || host == "0:0:0:0:0:0:0:0"
        }
    }

    // MARK: Storage

    /// `dataDir`: required; Java: "dataDir is not set". Kept as written (relative
    /// paths are relative to the working directory, as for Java's File).
    public var dataDir: String
    /// `dataLogDir`: defaults to dataDir (QuorumPeerConfig.parseProperties).
    public var dataLogDir: String

    // MARK: Client ports

    /// `clientPort` + `clientPortAddress`; nil when clientPort is absent or 0
    /// (3.8.0 treats 0 as "not set"). Host nil means all addresses.
    public var clientPortAddress: ListenAddress?
    /// `secureClientPort` + `secureClientPortAddress`; nil when absent or 0.
    public var secureClientPortAddress: ListenAddress?
    /// `observerMasterPort`; nil when absent or <= 0 (Java: "observerMasterPort is not set").
    public var observerMasterPort: Int?
    /// `clientPortListenBacklog`: -1 = the OS default (QuorumPeerConfig field).
    public var clientPortListenBacklog: Int = -1

    // MARK: Sessions and limits

    /// `tickTime`: ZooKeeperServer.DEFAULT_TICK_TIME = 3000.
    public var tickTime: Int = 3000
    /// `maxClientCnxns`: per-IP connection limit, QuorumPeerConfig field = 60.
    public var maxClientCnxns: Int = 60
    /// `minSessionTimeout`: 2 * tickTime unless set (-1 also means unset).
    public var minSessionTimeout: Int = 6000
    /// `maxSessionTimeout`: 20 * tickTime unless set (-1 also means unset).
    public var maxSessionTimeout: Int = 60000
    /// `localSessionsEnabled`: false.
    public var localSessionsEnabled = false
    /// `localSessionsUpgradingEnabled`: false.
    public var localSessionsUpgradingEnabled = false

    // MARK: Quorum

    /// `initLimit`: no default; 0 = unset, an error in a quorum ("initLimit is not set").
    public var initLimit = 0
    /// `syncLimit`: no default; 0 = unset, an error in a quorum ("syncLimit is not set").
    public var syncLimit = 0
    /// `connectToLearnerMasterLimit`: 0 = unset (Learner then uses initLimit).
    public var connectToLearnerMasterLimit = 0
    /// `electionAlg`: 3 (fast leader election), the only value Java accepts.
    public var electionAlg = 3
    /// `quorumListenOnAllIPs`: false.
    public var quorumListenOnAllIPs = false
    /// The `myid` file's number; nil when there is no myid (standalone).
    public var serverId: Int64?
    /// `server.N` lines, participants and observers, sorted by id.
    public var servers: [QuorumServer] = []
    /// `version` of the server list (hex), from the file or the dynamic file's name.
    public var configVersion: Int64?
    /// `peerType`: participant; corrected to the server list's role for this id.
    public var peerType: QuorumServer.Role = .participant
    /// `syncEnabled`: observers log and snapshot like followers; true.
    public var syncEnabled = true
    /// `standaloneEnabled`: true (one participant runs standalone).
    public var standaloneEnabled = true
    /// `reconfigEnabled`: false.
    public var reconfigEnabled = false
    /// `dynamicConfigFile`: path of the server list file, as written.
    public var dynamicConfigFile: String?
    /// `oraclePath`: the QuorumOracleMaj oracle file, if any.
    public var oraclePath: String?
    /// `quorum.cnxn.threads.size`: 0 = QuorumCnxManager's own default.
    public var quorumCnxnThreadsSize = 0
    /// `multiAddress.enabled`: from system property zookeeper.multiAddress.enabled
    /// (default "false"), then the zoo.cfg key. Note that server lines with `|` are
    /// checked against the system property only, as in Java.
    public var multiAddressEnabled = false
    /// `multiAddress.reachabilityCheckEnabled`: system property default "true".
    public var multiAddressReachabilityCheckEnabled = true
    /// `multiAddress.reachabilityCheckTimeoutMs`: MultipleAddresses.DEFAULT_TIMEOUT = 1000.
    public var multiAddressReachabilityCheckTimeoutMs = 1000

    // MARK: Purge

    /// `autopurge.snapRetainCount`: 3, and never below 3 (raised with a warning).
    public var snapRetainCount = 3
    /// `autopurge.purgeInterval`: hours; 0 = no purge.
    public var purgeInterval = 0

    // MARK: Quorum TLS and SASL

    /// `sslQuorum`: false.
    public var sslQuorum = false
    /// `portUnification`: false.
    public var portUnification = false
    /// `sslQuorumReloadCertFiles`: false.
    public var sslQuorumReloadCertFiles = false
    /// `quorum.auth.enableSasl`: false.
    public var quorumEnableSasl = false
    /// `quorum.auth.serverRequireSasl`: false.
    public var quorumServerRequireSasl = false
    /// `quorum.auth.learnerRequireSasl`: false.
    public var quorumLearnerRequireSasl = false
    /// `quorum.auth.kerberos.servicePrincipal`: QuorumAuth default "zkquorum/localhost".
    public var quorumServicePrincipal = "zkquorum/localhost"
    /// `quorum.auth.learner.saslLoginContext`: "QuorumLearner".
    public var quorumLearnerLoginContext = "QuorumLearner"
    /// `quorum.auth.server.saslLoginContext`: "QuorumServer".
    public var quorumServerLoginContext = "QuorumServer"

    // MARK: Monitoring

    /// `metricsProvider.className`: DefaultMetricsProvider.
    public var metricsProviderClassName = "org.apache.zookeeper.metrics.impl.DefaultMetricsProvider"
    /// Other `metricsProvider.X` keys, with the prefix removed.
    public var metricsProviderConfiguration: [String: String] = [:]
    /// `jvm.pause.monitor`: false.
    public var jvmPauseMonitorToRun = false
    /// `jvm.pause.warn-threshold.ms`: JvmPauseMonitor.WARN_THRESHOLD_DEFAULT = 10000.
    public var jvmPauseWarnThresholdMs: Int64 = 10000
    /// `jvm.pause.info-threshold.ms`: JvmPauseMonitor.INFO_THRESHOLD_DEFAULT = 1000.
    public var jvmPauseInfoThresholdMs: Int64 = 1000
    /// `jvm.pause.sleep.time.ms`: JvmPauseMonitor.SLEEP_TIME_MS_DEFAULT = 500.
    public var jvmPauseSleepTimeMs: Int64 = 500

    // MARK: System properties

    /// The JVM system properties Java would end with: `-D` flags from the
    /// environment, then every zoo.cfg key QuorumPeerConfig does not know, as
    /// `zookeeper.<key>` (zoo.cfg wins: Java calls System.setProperty after start).
    public var systemProperties: [String: String] = [:]
    /// The settings Java reads from those system properties, typed.
    public var settings = SystemPropertySettings()

    /// Java's defaults around `dataDir`.
    public init(dataDir: String) {
        self.dataDir = dataDir
        self.dataLogDir = dataDir
    }

    /// QuorumPeerConfig.isDistributed: a quorum unless there is a single
    /// participant (or none) and standalone mode is allowed.
    public var isDistributed: Bool {
        !standaloneEnabled || participants.count > 1
    }

    public var participants: [QuorumServer] { servers.filter { $0.role == .participant } }
    public var observers: [QuorumServer] { servers.filter { $0.role == .observer } }

    /// This server's own `server.N` entry, when myid names one.
    public var ownServer: QuorumServer? {
        guard let serverId else { return nil }
        return servers.first { $0.id == serverId }
    }
}
