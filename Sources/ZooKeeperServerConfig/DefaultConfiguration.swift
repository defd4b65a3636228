extension ServerConfiguration {
    /// The zoo.cfg `zkserver` uses when started with no arguments. Java's
    /// QuorumPeerMain has no such default (it needs a file), so this is the
    /// smallest file Java would accept: clientPort 2181 on every address (no
    /// clientPortAddress, as Java's `new InetSocketAddress(port)`), data under the
    /// working directory, Java's defaults for the rest (tickTime 3000, sessions
    /// 6000...60000 ms, maxClientCnxns 60, standalone).
    public static let embeddedDefaultText = """
        # zkserver's built-in configuration: a standalone server for development.
        dataDir=./zookeeper-data
        clientPort=2181
        """

    /// `embeddedDefaultText` parsed with no myid and no -D flags.
    public static var embeddedDefault: ServerConfiguration {
        // The text is fixed and valid; a failure here is a bug caught by the tests.
        guard let parsed = try? parse(config: embeddedDefaultText) else {
            var fallback = ServerConfiguration(dataDir: "./zookeeper-data")
            fallback.clientPortAddress = ListenAddress(port: 2181)
            return fallback
        }
        return parsed.configuration
    }
}
