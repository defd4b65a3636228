/// One server of a connect string.
public struct ServerAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A malformed connect string (Java throws IllegalArgumentException).
public struct ConnectStringError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
}

/// `host1:port1,host2:port2/chroot`, parsed as Java's ConnectStringParser does:
/// the chroot starts at the first "/", a chroot of "/" means none, a missing
/// port is 2181, and IPv6 literals come in brackets.
public struct ConnectString: Hashable, Sendable {
    public static let defaultPort = 2181

    public var servers: [ServerAddress]
    /// The server-side path the client's "/" maps to, or nil.
    public var chroot: String?

    public init(servers: [ServerAddress], chroot: String? = nil) {
        self.servers = servers
        self.chroot = chroot
    }

    public init(_ text: String) throws(ConnectStringError) {
        var hosts = Substring(text)
        chroot = nil
        if let slash = text.firstIndex(of: "/") {
            let path = String(text[slash...])
            hosts = text[..<slash]
            if path.count > 1 {
                guard ZNodePath.isValid(path), !path.hasSuffix("/") else {
                    throw ConnectStringError(description: "Invalid chroot path: \(path)")
                }
                chroot = path
            }
        }
        servers = []
        for part in hosts.split(separator: ",", omittingEmptySubsequences: true) {
            let entry = part.trimmingCharacters(in: " ")
            servers.append(try Self.parseServer(entry))
        }
        guard !servers.isEmpty else { throw ConnectStringError(description: "A HostProvider may not be empty!") }
    }

    private static func parseServer(_ entry: String) throws(ConnectStringError) -> ServerAddress {
        var host = entry
        var port = defaultPort
        if entry.hasPrefix("[") {
            guard let close = entry.firstIndex(of: "]") else {
                throw ConnectStringError(description: "IPv6 literal without ']': \(entry)")
            }
            host = String(entry[entry.index(after: entry.startIndex)..<close])
            let rest = entry[entry.index(after: close)...]
            if rest.hasPrefix(":") { port = try parsePort(rest.dropFirst(), entry) }
        } else if let colon = entry.lastIndex(of: ":") {
            host = String(entry[..<colon])
            port = try parsePort(entry[entry.index(after: colon)...], entry)
        }
        guard !host.isEmpty else { throw ConnectStringError(description: "empty host in \(entry)") }
        return ServerAddress(host: host, port: port)
    }

    private static func parsePort(_ text: Substring, _ entry: String) throws(ConnectStringError) -> Int {
        guard let port = Int(text), (0...65535).contains(port) else {
            throw ConnectStringError(description: "invalid port in \(entry)")
        }
        return port
    }

    /// The server's path for a client path (Java's ZooKeeper.prependChroot).
    public func serverPath(_ clientPath: String) -> String {
        guard let chroot else { return clientPath }
        return clientPath == "/" ? chroot : chroot + clientPath
    }

    /// The client's path for a server path (ClientCnxn's chroot stripping).
    /// A path outside the chroot is returned unchanged, as Java does.
    public func clientPath(_ serverPath: String) -> String {
        guard let chroot else { return serverPath }
        if serverPath == chroot { return "/" }
        if serverPath.count > chroot.count, serverPath.hasPrefix(chroot),
            serverPath[serverPath.index(serverPath.startIndex, offsetBy: chroot.count)] == "/"
        {
            return String(serverPath.dropFirst(chroot.count))
        }
        return serverPath
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        var s = Substring(self)
        while s.first == character { s.removeFirst() }
        while s.last == character { s.removeLast() }
        return String(s)
    }
}

/// Znode path rules (Java's PathUtils.validatePath), for client-side checks.
public enum ZNodePath {
    public static func isValid(_ path: String, sequential: Bool = false) -> Bool {
        message(path, sequential: sequential) == nil
    }

    /// The IllegalArgumentException text Java's client gives for an invalid
    /// path, or nil if the path is valid. Sequential paths are checked with a
    /// "1" appended, and the message names that path, as in Java.
    public static func message(_ path: String, sequential: Bool = false) -> String? {
        let checked = sequential ? path + "1" : path
        guard !checked.isEmpty else { return "Path length must be > 0" }
        guard checked.first == "/" else { return "Path must start with / character" }
        if checked.utf16.count == 1 { return nil }
        guard checked.last != "/" else { return "Path must not end with / character" }
        guard let reason = validationError(checked) else { return nil }
        return "Invalid path string \"\(checked)\" caused by \(reason)"
    }

    /// The reason after "caused by" for a path that starts with "/", is not
    /// the root and does not end with "/". Positions count UTF-16 units, as
    /// Java's chars do, so a character outside the BMP is an invalid
    /// (surrogate) character there too.
    static func validationError(_ path: String) -> String? {
        let units = Array(path.utf16)
        var previous: UInt16 = 0x2F
        for i in 1..<units.count {
            let c = units[i]
            let slash: UInt16 = 0x2F, dot: UInt16 = 0x2E
            if c == 0 { return "null character not allowed @\(i)" }
            if c == slash && previous == slash { return "empty node name specified @\(i)" }
            if c == dot && previous == dot {
                if units[i - 2] == slash && (i + 1 == units.count || units[i + 1] == slash) {
                    return "relative paths not allowed @\(i)"
                }
            } else if c == dot {
                if previous == slash && (i + 1 == units.count || units[i + 1] == slash) {
                    return "relative paths not allowed @\(i)"
                }
            } else if (c > 0x0000 && c <= 0x001f) || (c >= 0x007f && c <= 0x009f)
                || (c >= 0xd800 && c <= 0xf8ff) || c >= 0xfff0
            {
                return "invalid character @\(i)"
            }
            previous = c
        }
        return nil
    }
}
