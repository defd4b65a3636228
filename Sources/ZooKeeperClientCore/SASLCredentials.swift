/// A DIGEST-MD5 login, as Java's client reads it from the JAAS `Client` section
/// (DigestLoginModule's username and password).
public struct SASLCredentials: Sendable, Hashable {
    public var username: String
    public var password: String
    /// The service the server runs as (`zookeeper.sasl.client.username`).
    public var serviceName: String
    /// DIGEST-MD5's server name: Java's client always uses "zk-sasl-md5".
    public var serverName: String

    public init(username: String, password: String, serviceName: String = "zookeeper", serverName: String = "zk-sasl-md5") {
        self.username = username
        self.password = password
        self.serviceName = serviceName
        self.serverName = serverName
    }
}
