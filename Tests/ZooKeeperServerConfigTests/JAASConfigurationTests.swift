import Testing
import ZooKeeperServerConfig

@Suite struct JAASConfigurationTests {
    @Test func kazooHarnessSection() throws {
        let text = """
            // the server's users
            Server {
                org.apache.zookeeper.server.auth.DigestLoginModule required
                user_super="super_secret"
                user_jaasuser="jaas_password";
            };
            /* a client section
               on two lines */
            Client { org.apache.zookeeper.server.auth.DigestLoginModule required username="bob" password='x;y'; };
            """
        let jaas = try JAASConfiguration(parsing: text)
        #expect(jaas.digestUsers(section: "Server") == ["super": "super_secret", "jaasuser": "jaas_password"])
        #expect(jaas["Client"]?.first?.options == ["username": "bob", "password": "x;y"])
        #expect(jaas["Server"]?.first?.flag == "required")
        #expect(jaas.digestUsers(section: "Missing") == nil)
    }

    @Test func errorsNameTheLine() {
        #expect(throws: JAASConfiguration.ParseError(line: 2, message: "expected '=' after option user_a")) {
            try JAASConfiguration(parsing: "Server {\n M required user_a \"x\";\n};")
        }
        #expect(throws: JAASConfiguration.ParseError.self) { try JAASConfiguration(parsing: "Server { M sometimes; };") }
        #expect(throws: JAASConfiguration.ParseError.self) { try JAASConfiguration(parsing: "Server { M required user_a=\"x;") }
    }
}
