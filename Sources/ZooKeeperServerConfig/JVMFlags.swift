/// The `-D` system properties the Java server would be started with, read from
/// the environment the way `bin/zkServer.sh` builds the command line:
///
///     java $ZOO_DATADIR_AUTOCREATE ... $JVMFLAGS QuorumPeerMain zoo.cfg
///     with JVMFLAGS="$SERVER_JVMFLAGS $JVMFLAGS"
///
/// The variables are expanded unquoted, so they split on blanks with no quote
/// processing. When a name repeats, the JVM keeps the last, so `JVMFLAGS`
/// overrides `SERVER_JVMFLAGS`. `CLIENT_JVMFLAGS` belongs to zkCli and is ignored.
public enum JVMFlags {
    /// `-Dname=value` → name: value (split at the first `=`); `-Dname` → name: ""
    /// (what the java launcher sets). Other flags (-Xmx, -XX:...) are ignored.
    public static func systemProperties(environment: [String: String]) -> [String: String] {
        var words: [Substring] = []
        // zkServer.sh: ZOO_DATADIR_AUTOCREATE_DISABLE (any non-empty value) adds this flag first.
        if let disable = environment["ZOO_DATADIR_AUTOCREATE_DISABLE"], !disable.isEmpty {
            words.append("-Dzookeeper.datadir.autocreate=false")
        }
        for variable in ["SERVER_JVMFLAGS", "JVMFLAGS"] {
            if let flags = environment[variable] {
                words += flags.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
            }
        }
        return systemProperties(arguments: words.map(String.init))
    }

    /// Collects `-D` properties from already-split JVM arguments.
    public static func systemProperties(arguments: [String]) -> [String: String] {
        var properties: [String: String] = [:]
        for word in arguments where word.hasPrefix("-D") {
            let definition = word.dropFirst(2)
            let name: Substring
            let value: Substring
            if let eq = definition.firstIndex(of: "=") {
                name = definition[..<eq]
                value = definition[definition.index(after: eq)...]
            } else {
                name = definition
                value = ""
            }
            // The launcher rejects an empty name; nothing to set.
            guard !name.isEmpty else { continue }
            properties[String(name)] = String(value)
        }
        return properties
    }
}
