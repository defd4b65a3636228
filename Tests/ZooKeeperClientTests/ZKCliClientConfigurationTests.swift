import Testing
import ZooKeeperCLI
import ZooKeeperClient
import ZooKeeperServerConfig

/// `-client-configuration`: Java's client properties onto ClientTLS and SASLCredentials.
@Suite struct ZKCliClientConfigurationTests {
    static let jaas = """
        Client {
            org.apache.zookeeper.server.auth.DigestLoginModule required
            username="bob"
            password="bobsecret";
        };
        Other {
            com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true;
        };
        """
    static let files = ["conf/jaas.conf": jaas, "conf/ks.pass": "s3cret\nignored\n"]

    func settings(_ text: String) throws -> ClientConfigurationFile {
        try ClientConfigurationFile(properties: try JavaProperties(text: text)) { Self.files[$0] }
    }

    @Test func nothingSetIsAPlainConnection() throws {
        let plain = try settings("zookeeper.ssl.keyStore.location=conf/client.pem\n")
        #expect(plain.tls == nil)
        #expect(plain.sasl == nil)
    }

    @Test func pemAndPkcs12StoresByTypeOrExtension() throws {
        let tls = try #require(try settings("""
            zookeeper.client.secure=TRUE
            zookeeper.ssl.keyStore.location=conf/client.p12
            zookeeper.ssl.keyStore.passwordPath=conf/ks.pass
            zookeeper.ssl.trustStore.location=conf/ca.crt
            zookeeper.ssl.trustStore.type=pem
            zookeeper.ssl.hostnameVerification=false
            """).tls)
        guard case .pkcs12(let path, let password) = tls.keyStore else { Issue.record("key store \(String(describing: tls.keyStore))"); return }
        #expect(path == "conf/client.p12" && password == "s3cret")
        guard case .pem(let trust, _) = tls.trustStore else { Issue.record("trust store"); return }
        #expect(trust == "conf/ca.crt")
        #expect(tls.hostnameVerification == false)

        let pem = try #require(try settings("zookeeper.client.secure=true\nzookeeper.ssl.keyStore.location=k.pem\n").tls)
        guard case .pem("k.pem", _) = pem.keyStore else { Issue.record("pem key store"); return }
        #expect(pem.trustStore == nil)
        #expect(pem.hostnameVerification)
    }

    @Test func jksStoresAreRefusedWithAReason() {
        #expect(throws: ClientConfigurationFile.Error.self) {
            try settings("zookeeper.client.secure=true\nzookeeper.ssl.trustStore.location=truststore.jks\n")
        }
        do {
            _ = try settings("zookeeper.client.secure=true\nzookeeper.ssl.keyStore.location=ks\nzookeeper.ssl.keyStore.type=JKS\n")
            Issue.record("JKS accepted")
        } catch {
            #expect("\(error)".contains("PKCS12"))
        }
        #expect(throws: ClientConfigurationFile.Error.self) {
            try settings("zookeeper.client.secure=true\nzookeeper.ssl.keyStore.location=store.bin\n")
        }
    }

    @Test func saslFromTheJAASClientSection() throws {
        let sasl = try #require(try settings("java.security.auth.login.config=conf/jaas.conf\n").sasl)
        #expect(sasl.username == "bob" && sasl.password == "bobsecret" && sasl.serviceName == "zookeeper")
        let renamed = try #require(try settings("""
            java.security.auth.login.config=conf/jaas.conf
            zookeeper.sasl.client.username=zk
            """).sasl)
        #expect(renamed.serviceName == "zk")
        #expect(try settings("java.security.auth.login.config=conf/jaas.conf\nzookeeper.sasl.client=false\n").sasl == nil)
    }

    @Test func saslRefusesWhatItCannotDo() {
        // Kerberos, a missing section, a missing file.
        for text in [
            "java.security.auth.login.config=conf/jaas.conf\nzookeeper.sasl.clientconfig=Other\n",
            "java.security.auth.login.config=conf/jaas.conf\nzookeeper.sasl.clientconfig=Nope\n",
            "java.security.auth.login.config=conf/missing.conf\n",
        ] {
            #expect(throws: ClientConfigurationFile.Error.self, "\(text)") { try settings(text) }
        }
    }
}
