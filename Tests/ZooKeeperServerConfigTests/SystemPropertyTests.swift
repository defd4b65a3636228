import Testing
@testable import ZooKeeperServerConfig

/// Unknown zoo.cfg keys, -D flags from the environment, and what Java reads from them.
struct SystemPropertyTests {
    @Test func unknownKeysBecomeZookeeperProperties() throws {
        let c = try ServerConfiguration.parse(config: """
            dataDir=/d
            clientPort=2181
            snapCount=5000
            4lw.commands.whitelist=*
            DigestAuthenticationProvider.superDigest=super:D/InIHSb7yEEbrWz8b9l71RjZJU=
            extendedTypesEnabled=true
            zookeeper.skipACL=yes
            jute.maxbuffer=4194304
            admin.enableServer=false
            forceSync=no
            preAllocSize=1024
            """).configuration
        let p = c.systemProperties
        #expect(p["zookeeper.snapCount"] == "5000")
        #expect(p["zookeeper.4lw.commands.whitelist"] == "*")
        // Java prefixes unconditionally, even a key already starting with "zookeeper.".
        #expect(p["zookeeper.zookeeper.skipACL"] == "yes")
        #expect(p["zookeeper.skipACL"] == nil)
        #expect(p["zookeeper.jute.maxbuffer"] == "4194304")
        #expect(p["jute.maxbuffer"] == nil)

        let s = c.settings
        #expect(s.snapCount == 5000)
        #expect(s.fourLetterWordWhitelist == SystemPropertySettings.allFourLetterWords)
        #expect(s.superDigest == "super:D/InIHSb7yEEbrWz8b9l71RjZJU=")
        #expect(s.extendedTypesEnabled)
        #expect(!s.skipACL)                 // zookeeper.zookeeper.skipACL is never read
        #expect(s.juteMaxBuffer == 0xfffff) // Java reads jute.maxbuffer without the prefix
        #expect(!s.adminServerEnabled)
        #expect(!s.forceSync)
        #expect(s.preAllocSizeBytes == 1024 * 1024)
        // Known keys are not copied.
        #expect(p["zookeeper.dataDir"] == nil)
        #expect(p["zookeeper.clientPort"] == nil)
    }

    @Test func serverJvmFlags() throws {
        let env = [
            "SERVER_JVMFLAGS": "-Xmx1000m -Djute.maxbuffer=0x400000 -Dzookeeper.snapCount=10 -Dflag -Da=b=c",
            "JVMFLAGS": "-Dzookeeper.snapCount=20\t-XX:+UseG1GC",
            "CLIENT_JVMFLAGS": "-Dzookeeper.globalOutstandingLimit=1",
        ]
        let p = JVMFlags.systemProperties(environment: env)
        #expect(p == [
            "jute.maxbuffer": "0x400000",
            "zookeeper.snapCount": "20",  // JVMFLAGS comes later on the command line
            "flag": "",                   // -Dname sets the empty string
            "a": "b=c",
        ])
        let c = try ServerConfiguration.parse(config: "dataDir=/d\nclientPort=1", environment: env).configuration
        #expect(c.settings.juteMaxBuffer == 0x400000)  // Integer.getInteger decodes hex
        #expect(c.settings.snapCount == 20)
        #expect(c.settings.globalOutstandingLimit == 1000)
    }

    @Test func zooCfgOverridesJvmFlags() throws {
        // parseProperties calls System.setProperty after the JVM started.
        let c = try ServerConfiguration.parse(
            config: "dataDir=/d\nclientPort=1\nsnapCount=7",
            environment: ["SERVER_JVMFLAGS": "-Dzookeeper.snapCount=10 -Dzookeeper.DigestAuthenticationProvider.superDigest=super:x"]
        ).configuration
        #expect(c.settings.snapCount == 7)
        #expect(c.settings.superDigest == "super:x")
    }

    @Test func datadirAutocreateDisable() {
        let p = JVMFlags.systemProperties(environment: ["ZOO_DATADIR_AUTOCREATE_DISABLE": "1"])
        #expect(p == ["zookeeper.datadir.autocreate": "false"])
        var w: [ConfigurationWarning] = []
        #expect(!SystemPropertySettings(systemProperties: p, warnings: &w).dataDirAutocreate)
    }

    @Test func javaNumberAndBooleanSemantics() {
        var w: [ConfigurationWarning] = []
        let s = SystemPropertySettings(systemProperties: [
            "zookeeper.globalOutstandingLimit": "not a number",  // Integer.getInteger → default
            "znode.container.checkIntervalMs": "010",             // Integer.decode: octal
            "znode.container.maxPerMinute": "#10",                // Integer.decode: hex
            "zookeeper.admin.serverPort": " 9090",                // no trimming: default
            "zookeeper.extendedTypesEnabled": "TRUE",
            "zookeeper.forceSync": "No",                          // only exactly "no" disables
            "zookeeper.skipACL": "true",                          // only "yes" skips
            "zookeeper.digest.enabled": "yes",                    // parseBoolean: false
            "zookeeper.4lw.commands.whitelist": "stat, ,ruok",
            "readonlymode.enabled": "true",
        ], warnings: &w)
        #expect(s.globalOutstandingLimit == 1000)
        #expect(s.containerCheckIntervalMs == 8)
        #expect(s.containerMaxPerMinute == 16)
        #expect(s.adminServerPort == 8080)
        #expect(s.extendedTypesEnabled)
        #expect(s.forceSync)
        #expect(!s.skipACL)
        #expect(!s.digestEnabled)
        #expect(s.fourLetterWordWhitelist == ["stat", "ruok", "isro", "srvr"])
        #expect(s.readOnlyModeEnabled)
        #expect(w.isEmpty)
    }

    @Test func correctedValuesWarn() {
        var w: [ConfigurationWarning] = []
        let s = SystemPropertySettings(systemProperties: [
            "zookeeper.snapCount": "1",
            "zookeeper.maxCnxns": "-5",
            "zookeeper.preAllocSize": "lots",
        ], warnings: &w)
        #expect(s.snapCount == 2)
        #expect(s.maxCnxns == 0)
        #expect(s.preAllocSizeBytes == 65536 * 1024)
        #expect(w.map(\.message) == [
            "SnapCount should be 2 or more. Now, snapCount is reset to 2",
            "lots is not a valid value for preAllocSize",
            "maxCnxns should be greater than or equal to 0, using default value 0.",
        ])
    }

    @Test func javaLangParsing() {
        #expect(JavaLang.parseInt("+42") == .success(42))
        #expect(JavaLang.parseInt("-2147483648") == .success(Int32.min))
        #expect(JavaLang.parseInt("2147483648") == .failure(.range))
        #expect(JavaLang.parseInt("") == .failure(.format))
        #expect(JavaLang.parseInt("1_000") == .failure(.format))
        #expect(JavaLang.parseInt("0x10") == .failure(.format))
        #expect(JavaLang.parseInt("١٢") == .success(12))  // Character.digit accepts any Nd digit
        #expect(JavaLang.parseLong("-9223372036854775808") == .success(Int64.min))
        #expect(JavaLang.parseLong("99999999999999999999999") == .failure(.range))
        #expect(JavaLang.decode("-0x80000000", min: Int64(Int32.min), max: Int64(Int32.max)) == Int64(Int32.min))
        #expect(JavaLang.decode("0x-1", min: -10, max: 10) == nil)
        #expect(JavaLang.decode("0", min: -10, max: 10) == 0)
        #expect(JavaLang.decode("08", min: -100, max: 100) == nil)
        #expect(JavaLang.trim("\u{01} a \t\n") == "a")
        #expect(JavaLang.split("a:1:2:", ":") == ["a", "1", "2"])
        #expect(JavaLang.split("||", "|") == [])
        #expect(JavaLang.split("", "|") == [""])
    }
}
