/// One `server.N` line, parsed as `QuorumPeer.QuorumServer(long, String)` does:
/// `host:quorumPort:electionPort[:participant|observer]` addresses separated by
/// `|`, then optionally `;[clientHost:]clientPort`. Host names are kept as
/// written (IPv6 without its brackets); nothing is resolved here.
public struct QuorumServer: Sendable, Equatable {
    public enum Role: String, Sendable, Equatable {
        case participant
        case observer
    }

    /// One `host:quorumPort:electionPort` of a server.
    public struct Address: Sendable, Equatable {
        public var host: String
        public var quorumPort: Int
        public var electionPort: Int

        public init(host: String, quorumPort: Int, electionPort: Int) {
            self.host = host
            self.quorumPort = quorumPort
            self.electionPort = electionPort
        }
    }

    /// Where clients connect. Java's default host for a bare port is "0.0.0.0".
    public struct ClientAddress: Sendable, Equatable {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// Java treats a wildcard client address as "any local address" when
        /// comparing with clientPortAddress.
        public var isWildcard: Bool { host == "0.0.0.0" || host == "::" || host == "0:0:0:0:0:0:0:0" }
    }

    public var id: Int64
    /// At least one; more only with `zookeeper.multiAddress.enabled=true`.
    public var addresses: [Address]
    public var role: Role
    public var clientAddress: ClientAddress?
    /// True when the client address came from the static clientPort rather than
    /// this line (Java's `isClientAddrFromStatic`).
    public var clientAddressFromStaticConfig: Bool

    public init(id: Int64, addresses: [Address], role: Role = .participant,
                clientAddress: ClientAddress? = nil, clientAddressFromStaticConfig: Bool = false) {
        self.id = id
        self.addresses = addresses
        self.role = role
        self.clientAddress = clientAddress
        self.clientAddressFromStaticConfig = clientAddressFromStaticConfig
    }

    /// Shorthand for the first (usually only) address.
    public var host: String { addresses[0].host }
    public var quorumPort: Int { addresses[0].quorumPort }
    public var electionPort: Int { addresses[0].electionPort }

    private static let wrongFormat =
        " does not have the form server_config or server_config;client_config"
        + " where server_config is the pipe separated list of host:port:port or host:port:port:type"
        + " and client_config is port or host:port"

    /// Parses the value of `server.<id>`. `multiAddressEnabled` is the system
    /// property `zookeeper.multiAddress.enabled`, which QuorumServer reads itself.
    /// Errors carry Java's message; the caller adds key and line.
    public static func parse(id: Int64, _ text: String, multiAddressEnabled: Bool) -> Result<QuorumServer, ConfigurationError> {
        func fail(_ message: String, kind: ConfigurationError.Kind = .invalidServer) -> Result<QuorumServer, ConfigurationError> {
            .failure(ConfigurationError(kind: kind, key: nil, line: nil, message: message))
        }
        // QuorumMaj passes the raw value: no trim, so a trailing blank breaks a port as in Java.
        let serverClientParts = JavaLang.split(text, ";")
        let serverAddresses = JavaLang.split(serverClientParts.first ?? "", "|")

        var clientAddress: ClientAddress?
        if serverClientParts.count == 2 {
            let clientParts: [String]
            switch hostAndPort(serverClientParts[1]) {
            case .success(let parts): clientParts = parts
            case .failure(let e): return .failure(e)
            }
            if clientParts.count > 2 { return fail(text + wrongFormat) }
            let clientHost = clientParts.count == 2 ? clientParts[0] : "0.0.0.0"
            let portText = clientParts[clientParts.count - 1]
            guard case .success(let port) = JavaLang.parseInt(portText) else {
                // Java prints its still-null hostname field here.
                return fail("Address unresolved: null:" + portText)
            }
            guard (0...65535).contains(port) else { return fail("port out of range:\(port)", kind: .outOfRange) }
            clientAddress = ClientAddress(host: clientHost, port: Int(port))
        }

        if !multiAddressEnabled && serverAddresses.count > 1 {
            return fail("Multiple address feature is disabled, but multiple addresses were specified for sid \(id)")
        }
        // Java would accept "|||" (no address at all) and fail later; refuse it now.
        if serverAddresses.isEmpty { return fail(text + wrongFormat) }

        var addresses: [Address] = []
        var role: Role?
        for serverAddress in serverAddresses {
            let parts: [String]
            switch hostAndPort(serverAddress) {
            case .success(let p): parts = p
            case .failure(let e): return .failure(e)
            }
            if serverClientParts.count > 2 || parts.count < 3 || parts.count > 4 {
                return fail(text + wrongFormat)
            }
            let host = parts[0]
            guard case .success(let quorumPort) = JavaLang.parseInt(parts[1]) else {
                return fail("Address unresolved: \(host):\(parts[1])")
            }
            guard (0...65535).contains(quorumPort) else { return fail("port out of range:\(quorumPort)", kind: .outOfRange) }
            guard case .success(let electionPort) = JavaLang.parseInt(parts[2]) else {
                return fail("Address unresolved: \(host):\(parts[2])")
            }
            guard (0...65535).contains(electionPort) else { return fail("port out of range:\(electionPort)", kind: .outOfRange) }
            if quorumPort == electionPort {
                return fail("Client and election port must be different! Please update the configuration file on server.\(id)")
            }
            if parts.count == 4 {
                let newRole: Role
                switch JavaLang.trim(parts[3]).lowercased() {
                case "observer": newRole = .observer
                case "participant": newRole = .participant
                default: return fail("Unrecognised peertype: " + parts[3], kind: .invalidValue)
                }
                if let role, role != newRole {
                    // Java prints its type field, still PARTICIPANT at this point.
                    return fail("Multiple addresses should have similar roles: PARTICIPANT vs \(newRole.javaName)")
                }
                role = newRole
            }
            addresses.append(Address(host: host, quorumPort: Int(quorumPort), electionPort: Int(electionPort)))
        }
        return .success(QuorumServer(id: id, addresses: addresses, role: role ?? .participant, clientAddress: clientAddress))
    }

    /// `ConfigUtils.getHostAndPort`: `[v6]:a:b` keeps the bracketed host whole,
    /// anything else splits on `:`.
    static func hostAndPort(_ s: String) -> Result<[String], ConfigurationError> {
        guard s.hasPrefix("[") else { return .success(JavaLang.split(s, ":")) }
        guard let close = s.firstIndex(of: "]") else {
            return .failure(ConfigurationError(kind: .invalidServer, key: nil, line: nil,
                                               message: s + " starts with '[' but has no matching ']:'"))
        }
        let afterClose = s.index(after: close)
        if afterClose < s.endIndex, s.index(after: afterClose) == s.endIndex {
            return .failure(ConfigurationError(kind: .invalidServer, key: nil, line: nil,
                                               message: s + " doesn't have a port after colon"))
        }
        let host = String(s[s.index(after: s.startIndex)..<close])
        if afterClose < s.endIndex {
            // Java skips the character after ']' without checking it is ':'.
            let rest = String(s[s.index(after: afterClose)...])
            return .success([host] + JavaLang.split(rest, ":"))
        }
        return .success([s.replacingBrackets()])
    }
}

extension QuorumServer.Role {
    /// `LearnerType.toString()`, as Java's messages print it.
    var javaName: String { self == .observer ? "OBSERVER" : "PARTICIPANT" }
}

private extension String {
    func replacingBrackets() -> String { String(filter { $0 != "[" && $0 != "]" }) }
}
