import ZooKeeperServerConfig
import ZooKeeperServerCore

extension ServerSettings {
    /// The request logic's settings from a parsed zoo.cfg and its -D flags.
    public init(_ configuration: ServerConfiguration) {
        self.init()
        tickTime = Int32(clamping: configuration.tickTime)
        minSessionTimeout = Int32(clamping: configuration.minSessionTimeout)
        maxSessionTimeout = Int32(clamping: configuration.maxSessionTimeout)
        // A standalone Java server gives its session tracker id 1.
        serverID = configuration.isDistributed ? (configuration.serverId ?? 0) : 1
        extendedTypesEnabled = configuration.settings.extendedTypesEnabled
        superDigest = configuration.settings.superDigest
        skipACL = configuration.settings.skipACL
        reconfigEnabled = configuration.reconfigEnabled
        enforceQuota = configuration.systemProperties["zookeeper.enforceQuota"]?.lowercased() == "true"
        // Boolean.parseBoolean: only "true" (any case) turns it on.
        digestEnabled = (configuration.systemProperties["zookeeper.digest.enabled"] ?? "true").lowercased() == "true"
        if let value = configuration.systemProperties["zookeeper.closeSessionTxn.enabled"] {
            closeSessionTxnEnabled = value.lowercased() != "false"
        }
        applyAuthentication(configuration.systemProperties, secure: configuration.secureClientPortAddress != nil)
    }
}
