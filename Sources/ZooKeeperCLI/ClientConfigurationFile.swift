import Foundation
import ZooKeeperClient
import ZooKeeperServerConfig

/// `-client-configuration FILE`: the Java client's properties
/// (ZKClientConfig) that decide how zkcli connects. TLS comes from
/// `zookeeper.client.secure` and the `zookeeper.ssl.*` stores (PEM or
/// PKCS12); SASL from the JAAS file in `java.security.auth.login.config`,
/// whose `Client` section (or `zookeeper.sasl.clientconfig`) gives the
/// DIGEST-MD5 username and password, unless `zookeeper.sasl.client=false`.
public struct ClientConfigurationFile: Sendable {
    public var tls: ClientTLS?
    public var sasl: SASLCredentials?

    /// Plain connections without SASL, as with no file.
    public init() {}

    public struct Error: Swift.Error, Sendable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    public static func load(path: String) throws -> ClientConfigurationFile {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw Error("cannot read the client configuration \(path)")
        }
        do {
            return try ClientConfigurationFile(properties: try JavaProperties(iso8859_1Bytes: bytes))
        } catch let error as ConfigurationError {
            throw Error("\(path): \(error.message)")
        }
    }

    /// - readText: how a file the properties name is read (the JAAS file and
    ///   password files); tests pass their own.
    public init(properties: JavaProperties, readText: (String) -> String? = Self.readFile) throws {
        func flag(_ key: String, default value: Bool) -> Bool {
            // Boolean.parseBoolean: "true" in any case; anything else is false.
            properties[key].map { $0.trimmingCharacters(in: .whitespaces).lowercased() == "true" } ?? value
        }
        if flag("zookeeper.client.secure", default: false) {
            tls = ClientTLS(
                keyStore: try Self.store("zookeeper.ssl.keyStore", properties, readText),
                trustStore: try Self.store("zookeeper.ssl.trustStore", properties, readText),
                hostnameVerification: flag("zookeeper.ssl.hostnameVerification", default: true))
        }
        if flag("zookeeper.sasl.client", default: true), let jaasPath = properties["java.security.auth.login.config"] {
            let section = properties["zookeeper.sasl.clientconfig"] ?? "Client"
            let service = properties["zookeeper.sasl.client.username"] ?? "zookeeper"
            sasl = try Self.credentials(jaasPath: jaasPath, section: section, service: service, readText)
        }
    }

    public static func readFile(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A key or trust store: `PREFIX.location`, `.password` (or the first
    /// line of `.passwordPath`), `.type` or else the file's extension, as
    /// X509Util and KeyStoreFileType decide it.
    static func store(
        _ prefix: String, _ properties: JavaProperties, _ readText: (String) -> String?
    ) throws -> ClientTLS.Store? {
        guard let location = properties["\(prefix).location"], !location.isEmpty else { return nil }
        var password = properties["\(prefix).password"] ?? ""
        if let passwordPath = properties["\(prefix).passwordPath"], !passwordPath.isEmpty {
            guard let text = readText(passwordPath) else { throw Error("cannot read \(prefix).passwordPath \(passwordPath)") }
            password = String(text.prefix { $0 != "\n" && $0 != "\r" })
        }
        let type: String
        if let given = properties["\(prefix).type"], !given.isEmpty {
            type = given.uppercased()
        } else {
            switch URL(fileURLWithPath: location).pathExtension.lowercased() {
            case "pem": type = "PEM"
            case "p12", "pfx": type = "PKCS12"
            case "jks": type = "JKS"
            case "bcfks": type = "BCFKS"
            default: throw Error("Unable to auto-detect store file type from file name: \(location)")
            }
        }
        switch type {
        case "PEM": return .pem(path: location, password: password)
        case "PKCS12": return .pkcs12(path: location, password: password)
        case "JKS", "BCFKS":
            throw Error("\(prefix) \(location) is a \(type) store, which only Java reads; convert it to PKCS12"
                + " (keytool -importkeystore -deststoretype PKCS12) or PEM")
        default:
            throw Error("\(prefix).type \(type) is not one of PEM, PKCS12")
        }
    }

    /// DigestLoginModule's username and password from the JAAS section.
    static func credentials(
        jaasPath: String, section: String, service: String, _ readText: (String) -> String?
    ) throws -> SASLCredentials {
        guard let text = readText(jaasPath) else { throw Error("cannot read the JAAS configuration \(jaasPath)") }
        let jaas: JAASConfiguration
        do {
            jaas = try JAASConfiguration(parsing: text)
        } catch {
            throw Error("\(jaasPath): \(error)")
        }
        guard let entries = jaas[section] else {
            throw Error("No JAAS configuration section named '\(section)' was found in '\(jaasPath)'.")
        }
        guard let entry = entries.first(where: { $0.loginModule.hasSuffix("DigestLoginModule") }) else {
            let modules = entries.map(\.loginModule).joined(separator: ", ")
            throw Error("section '\(section)' of \(jaasPath) has no DigestLoginModule (found: \(modules));"
                + " only DIGEST-MD5 is supported, not Kerberos")
        }
        guard let username = entry.options["username"], let password = entry.options["password"] else {
            throw Error("section '\(section)' of \(jaasPath) needs username and password")
        }
        return SASLCredentials(username: username, password: password, serviceName: service)
    }
}
