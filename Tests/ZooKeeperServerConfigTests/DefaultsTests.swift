import Testing
@testable import ZooKeeperServerConfig

/// Every default, next to the Java (3.8.0) source it copies.
struct DefaultsTests {
    @Test func quorumPeerConfigDefaults() throws {
        let c = try ServerConfiguration.parse(config: "dataDir=/d\nclientPort=2181").configuration
        #expect(c.tickTime == 3000)                    // ZooKeeperServer.DEFAULT_TICK_TIME
        #expect(c.minSessionTimeout == 6000)           // parseProperties: tickTime * 2
        #expect(c.maxSessionTimeout == 60000)          // parseProperties: tickTime * 20
        #expect(c.maxClientCnxns == 60)                // QuorumPeerConfig.maxClientCnxns
        #expect(c.clientPortListenBacklog == -1)       // QuorumPeerConfig.clientPortListenBacklog
        #expect(c.initLimit == 0)                      // QuorumPeerConfig.initLimit (unset)
        #expect(c.syncLimit == 0)                      // QuorumPeerConfig.syncLimit (unset)
        #expect(c.connectToLearnerMasterLimit == 0)    // QuorumPeerConfig.connectToLearnerMasterLimit
        #expect(c.electionAlg == 3)                    // QuorumPeerConfig.electionAlg
        #expect(c.quorumListenOnAllIPs == false)       // QuorumPeerConfig.quorumListenOnAllIPs
        #expect(c.dataLogDir == "/d")                  // parseProperties: dataLogDir = dataDir
        #expect(c.secureClientPortAddress == nil)      // parseProperties: secureClientPort unset
        #expect(c.observerMasterPort == nil)           // parseProperties: "observerMasterPort is not set"
        #expect(c.localSessionsEnabled == false)       // QuorumPeerConfig.localSessionsEnabled
        #expect(c.localSessionsUpgradingEnabled == false)
        #expect(c.snapRetainCount == 3)                // QuorumPeerConfig.snapRetainCount
        #expect(c.purgeInterval == 0)                  // QuorumPeerConfig.purgeInterval
        #expect(c.syncEnabled == true)                 // QuorumPeerConfig.syncEnabled
        #expect(c.peerType == .participant)            // QuorumPeerConfig.peerType
        #expect(c.standaloneEnabled == true)           // QuorumPeerConfig.standaloneEnabled (static)
        #expect(c.reconfigEnabled == false)            // QuorumPeerConfig.reconfigEnabled (static)
        #expect(c.dynamicConfigFile == nil)
        #expect(c.oraclePath == nil)
        #expect(c.serverId == nil)                     // UNSET_SERVERID
        #expect(c.sslQuorum == false)                  // QuorumPeerConfig.sslQuorum
        #expect(c.portUnification == false)            // shouldUsePortUnification
        #expect(c.sslQuorumReloadCertFiles == false)
        #expect(c.quorumEnableSasl == false)           // quorumEnableSasl
        #expect(c.quorumServerRequireSasl == false)
        #expect(c.quorumLearnerRequireSasl == false)
        #expect(c.quorumServicePrincipal == "zkquorum/localhost")  // QuorumAuth.QUORUM_KERBEROS_SERVICE_PRINCIPAL_DEFAULT_VALUE
        #expect(c.quorumLearnerLoginContext == "QuorumLearner")    // QuorumAuth.QUORUM_LEARNER_SASL_LOGIN_CONTEXT_DFAULT_VALUE
        #expect(c.quorumServerLoginContext == "QuorumServer")      // QuorumAuth.QUORUM_SERVER_SASL_LOGIN_CONTEXT_DFAULT_VALUE
        #expect(c.quorumCnxnThreadsSize == 0)
        #expect(c.multiAddressEnabled == false)        // QuorumPeer.CONFIG_DEFAULT_MULTI_ADDRESS_ENABLED
        #expect(c.multiAddressReachabilityCheckEnabled == true)
        #expect(c.multiAddressReachabilityCheckTimeoutMs == 1000)  // MultipleAddresses.DEFAULT_TIMEOUT
        #expect(c.metricsProviderClassName == "org.apache.zookeeper.metrics.impl.DefaultMetricsProvider")
        #expect(c.metricsProviderConfiguration.isEmpty)
        #expect(c.jvmPauseMonitorToRun == false)       // QuorumPeerConfig.jvmPauseMonitorToRun
        #expect(c.jvmPauseWarnThresholdMs == 10000)    // JvmPauseMonitor.WARN_THRESHOLD_DEFAULT
        #expect(c.jvmPauseInfoThresholdMs == 1000)     // JvmPauseMonitor.INFO_THRESHOLD_DEFAULT
        #expect(c.jvmPauseSleepTimeMs == 500)          // JvmPauseMonitor.SLEEP_TIME_MS_DEFAULT
        #expect(c.settings == SystemPropertySettings())
    }

    @Test func systemPropertyDefaults() {
        let s = SystemPropertySettings()
        #expect(s.snapCount == 100_000)                // ZooKeeperServer.DEFAULT_SNAP_COUNT
        #expect(s.globalOutstandingLimit == 1000)      // ZooKeeperServer.DEFAULT_GLOBAL_OUTSTANDING_LIMIT
        #expect(s.preAllocSizeBytes == 65536 * 1024)   // FilePadding.preAllocSize
        #expect(s.forceSync == true)                   // FileTxnLog: zookeeper.forceSync default "yes"
        #expect(s.fourLetterWordWhitelist == ["srvr"]) // FourLetterCommands.isEnabled: srvr always
        #expect(s.extendedTypesEnabled == false)       // EphemeralType: Boolean.getBoolean
        #expect(s.juteMaxBuffer == 0xfffff)            // BinaryInputArchive.maxBuffer
        #expect(s.juteMaxBufferExtraSize == 0xfffff)   // BinaryInputArchive.extraMaxBuffer
        #expect(s.containerCheckIntervalMs == 60_000)  // ZooKeeperServerMain / LeaderZooKeeperServer
        #expect(s.containerMaxPerMinute == 10_000)
        #expect(s.containerMaxNeverUsedIntervalMs == 0)
        #expect(s.adminServerEnabled == true)          // AdminServerFactory: unless "false"
        #expect(s.adminServerAddress == "0.0.0.0")     // JettyAdminServer.DEFAULT_ADDRESS
        #expect(s.adminServerPort == 8080)             // JettyAdminServer.DEFAULT_PORT
        #expect(s.adminIdleTimeoutMs == 30_000)        // JettyAdminServer.DEFAULT_IDLE_TIMEOUT
        #expect(s.adminCommandURL == "/commands")      // JettyAdminServer.DEFAULT_COMMAND_URL
        #expect(s.superDigest == nil)                  // DigestAuthenticationProvider.superDigest
        #expect(s.skipACL == false)                    // ZooKeeperServer: zookeeper.skipACL default "no"
        #expect(s.maxCnxns == 0)                       // ServerCnxnFactory.ZOOKEEPER_MAX_CONNECTION_DEFAULT
        #expect(s.digestEnabled == true)               // ZooKeeperServer: zookeeper.digest.enabled "true"
        #expect(s.dataDirAutocreate == true)           // FileTxnSnapLog.ZOOKEEPER_DATADIR_AUTOCREATE_DEFAULT
        #expect(s.snapshotTrustEmpty == false)         // FileTxnSnapLog: Boolean.getBoolean
        #expect(s.readOnlyModeEnabled == false)
        var warnings: [ConfigurationWarning] = []
        #expect(SystemPropertySettings(systemProperties: [:], warnings: &warnings) == s)
        #expect(warnings.isEmpty)
    }

    @Test func sessionTimeoutsFollowTickTime() throws {
        let c = try ServerConfiguration.parse(config: "dataDir=/d\ntickTime=500").configuration
        #expect(c.minSessionTimeout == 1000)
        #expect(c.maxSessionTimeout == 10000)
        let explicit = try ServerConfiguration.parse(
            config: "dataDir=/d\nminSessionTimeout=-1\nmaxSessionTimeout=90000").configuration
        #expect(explicit.minSessionTimeout == 6000)
        #expect(explicit.maxSessionTimeout == 90000)
    }
}
