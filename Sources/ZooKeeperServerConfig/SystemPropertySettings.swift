/// Server settings Java reads from JVM system properties rather than from
/// QuorumPeerConfig, each parsed with the Java call the server uses, so a bad
/// value falls back (or warns) exactly as Java's does:
///
/// - `Integer.getInteger` / `Long.getLong`: an unparsable value silently means the default;
/// - `Boolean.getBoolean` / `Boolean.parseBoolean`: only "true" (any case) is true;
/// - a few read a string and compare ("yes"/"no", "false").
///
/// A zoo.cfg key `k` reaches these as `zookeeper.k` (so `snapCount=10` in zoo.cfg
/// is `zookeeper.snapCount`), but properties Java reads without the `zookeeper.`
/// prefix (`jute.maxbuffer`, `znode.container.*`, `readonlymode.enabled`) can only
/// come from `-D` flags: in zoo.cfg they become `zookeeper.jute.maxbuffer` etc.,
/// which Java never reads.
public struct SystemPropertySettings: Sendable, Equatable {
    /// `zookeeper.snapCount`: ZooKeeperServer.getSnapCount, default 100000, at least 2.
    public var snapCount = 100_000
    /// `zookeeper.globalOutstandingLimit`: ZooKeeperServer default 1000.
    public var globalOutstandingLimit = 1000
    /// `zookeeper.preAllocSize` (KB): FilePadding default 65536 KB, kept in bytes.
    public var preAllocSizeBytes: Int64 = 65536 * 1024
    /// `zookeeper.forceSync`: FileTxnLog, fsync unless the value is exactly "no".
    public var forceSync = true
    /// `zookeeper.4lw.commands.whitelist`: FourLetterCommands.isEnabled; comma
    /// list, `*` = all; "srvr" is always enabled, "isro" when read-only mode is.
    public var fourLetterWordWhitelist: Set<String> = ["srvr"]
    /// `zookeeper.extendedTypesEnabled`: EphemeralType, Boolean.getBoolean, false.
    public var extendedTypesEnabled = false
    /// `jute.maxbuffer`: BinaryInputArchive, Integer.getInteger, default 0xfffff.
    public var juteMaxBuffer = 0xfffff
    /// `zookeeper.jute.maxbuffer.extrasize`: BinaryInputArchive, defaults to juteMaxBuffer.
    public var juteMaxBufferExtraSize = 0xfffff
    /// `znode.container.checkIntervalMs`: ContainerManager, 60000 (one minute).
    public var containerCheckIntervalMs = 60_000
    /// `znode.container.maxPerMinute`: 10000.
    public var containerMaxPerMinute = 10_000
    /// `znode.container.maxNeverUsedIntervalMs`: 0 (never-used containers are kept).
    public var containerMaxNeverUsedIntervalMs: Int64 = 0
    /// `zookeeper.admin.enableServer`: AdminServerFactory, on unless exactly "false".
    public var adminServerEnabled = true
    /// `zookeeper.admin.serverAddress`: JettyAdminServer DEFAULT_ADDRESS "0.0.0.0".
    public var adminServerAddress = "0.0.0.0"
    /// `zookeeper.admin.serverPort`: JettyAdminServer DEFAULT_PORT 8080.
    public var adminServerPort = 8080
    /// `zookeeper.admin.idleTimeout`: DEFAULT_IDLE_TIMEOUT 30000 ms.
    public var adminIdleTimeoutMs = 30_000
    /// `zookeeper.admin.commandURL`: DEFAULT_COMMAND_URL "/commands".
    public var adminCommandURL = "/commands"
    /// `zookeeper.DigestAuthenticationProvider.superDigest`: "super:<base64 sha1>", none by default.
    public var superDigest: String?
    /// `zookeeper.skipACL`: ZooKeeperServer, only "yes" skips.
    public var skipACL = false
    /// `zookeeper.maxCnxns`: ServerCnxnFactory total limit, 0 = none; negative → 0.
    public var maxCnxns = 0
    /// `zookeeper.digest.enabled`: ZooKeeperServer, Boolean.parseBoolean, default "true".
    public var digestEnabled = true
    /// `zookeeper.datadir.autocreate`: FileTxnSnapLog, Boolean.parseBoolean, default "true".
    public var dataDirAutocreate = true
    /// `zookeeper.snapshot.trust.empty`: FileTxnSnapLog, Boolean.getBoolean, false.
    public var snapshotTrustEmpty = false
    /// `readonlymode.enabled`: QuorumPeer, Boolean.getBoolean, false.
    public var readOnlyModeEnabled = false

    /// Every four-letter word Java knows (FourLetterCommands.cmd2String), for `*`.
    public static let allFourLetterWords: Set<String> = [
        "conf", "cons", "crst", "dirs", "dump", "envi", "gtmk", "ruok", "stmk", "srst",
        "srvr", "stat", "wchc", "wchp", "wchs", "mntr", "isro", "telnet close", "hash",
    ]

    /// Java's defaults.
    public init() {}

    /// Reads the settings from a final system-property table, appending the
    /// warnings Java logs for values it corrects.
    public init(systemProperties p: [String: String], warnings: inout [ConfigurationWarning]) {
        func int(_ name: String, _ fallback: Int) -> Int {
            p[name].flatMap { JavaLang.decode($0, min: Int64(Int32.min), max: Int64(Int32.max)) }.map { Int($0) } ?? fallback
        }
        func long(_ name: String, _ fallback: Int64) -> Int64 {
            p[name].flatMap { JavaLang.decode($0, min: Int64.min, max: Int64.max) } ?? fallback
        }

        snapCount = int("zookeeper.snapCount", 100_000)
        if snapCount < 2 {
            warnings.append(.init(key: "zookeeper.snapCount", line: nil,
                                  message: "SnapCount should be 2 or more. Now, snapCount is reset to 2"))
            snapCount = 2
        }
        globalOutstandingLimit = int("zookeeper.globalOutstandingLimit", 1000)
        if let size = p["zookeeper.preAllocSize"] {
            // FilePadding: Long.parseLong (not decode), times 1024.
            if case .success(let kb) = JavaLang.parseLong(size) {
                preAllocSizeBytes = kb &* 1024
            } else {
                warnings.append(.init(key: "zookeeper.preAllocSize", line: nil,
                                      message: "\(size) is not a valid value for preAllocSize"))
            }
        }
        forceSync = (p["zookeeper.forceSync"] ?? "yes") != "no"
        readOnlyModeEnabled = JavaLang.parseBoolean(p["readonlymode.enabled"])

        var words: Set<String> = []
        if let list = p["zookeeper.4lw.commands.whitelist"] {
            for command in list.split(separator: ",", omittingEmptySubsequences: false) {
                let word = JavaLang.trim(String(command))
                if word == "*" {
                    words.formUnion(Self.allFourLetterWords)
                    break
                }
                if !word.isEmpty { words.insert(word) }
            }
        }
        // FourLetterCommands compares the raw string to "true" here, not parseBoolean.
        if (p["readonlymode.enabled"] ?? "false") == "true" { words.insert("isro") }
        words.insert("srvr")
        fourLetterWordWhitelist = words

        extendedTypesEnabled = JavaLang.parseBoolean(p["zookeeper.extendedTypesEnabled"])
        juteMaxBuffer = int("jute.maxbuffer", 0xfffff)
        juteMaxBufferExtraSize = int("zookeeper.jute.maxbuffer.extrasize", juteMaxBuffer)
        containerCheckIntervalMs = int("znode.container.checkIntervalMs", 60_000)
        containerMaxPerMinute = int("znode.container.maxPerMinute", 10_000)
        containerMaxNeverUsedIntervalMs = long("znode.container.maxNeverUsedIntervalMs", 0)
        adminServerEnabled = p["zookeeper.admin.enableServer"] != "false"
        adminServerAddress = p["zookeeper.admin.serverAddress"] ?? "0.0.0.0"
        adminServerPort = int("zookeeper.admin.serverPort", 8080)
        adminIdleTimeoutMs = int("zookeeper.admin.idleTimeout", 30_000)
        adminCommandURL = p["zookeeper.admin.commandURL"] ?? "/commands"
        superDigest = p["zookeeper.DigestAuthenticationProvider.superDigest"]
        skipACL = (p["zookeeper.skipACL"] ?? "no") == "yes"
        maxCnxns = int("zookeeper.maxCnxns", 0)
        if maxCnxns < 0 {
            warnings.append(.init(key: "zookeeper.maxCnxns", line: nil,
                                  message: "maxCnxns should be greater than or equal to 0, using default value 0."))
            maxCnxns = 0
        }
        digestEnabled = JavaLang.parseBoolean(p["zookeeper.digest.enabled"] ?? "true")
        dataDirAutocreate = JavaLang.parseBoolean(p["zookeeper.datadir.autocreate"] ?? "true")
        snapshotTrustEmpty = JavaLang.parseBoolean(p["zookeeper.snapshot.trust.empty"])
    }
}
