import Foundation
import NIOSSL
import Testing
@testable import ZooKeeperServer

/// Subjects printed as Java's X500Principal.getName() prints them.
@Suite struct DistinguishedNameTests {
    @Test func fixtureSubjects() throws {
        func subject(_ file: String) throws -> String {
            let certificate = try #require(try NIOSSLCertificate.fromPEMFile(TLSFixtures.path(file)).first)
            return try DistinguishedName.subject(ofCertificate: try certificate.toDERBytes())
        }
        // The same text Java 3.8.0's whoami shows for client.pem (scripts/java-tls-client).
        #expect(try subject("client.pem") == "CN=client,OU=clients,O=zk test")
        #expect(try subject("server.pem") == "CN=localhost")
        #expect(try subject("ca.pem") == "CN=zk-test-ca")
    }

    @Test func escapingAndUnknownAttributes() {
        #expect(DistinguishedName.escape("a,b+c") == "a\\,b\\+c")
        #expect(DistinguishedName.escape(" #x ") == "\\ #x\\ ")
        #expect(DistinguishedName.escape("#x") == "\\#x")
        // emailAddress (1.2.840.113549.1.9.1) has no RFC 2253 keyword: OID=#hex of its DER.
        #expect(DistinguishedName.objectIdentifier([0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x01]) == "1.2.840.113549.1.9.1")
        #expect(DistinguishedName.objectIdentifier([0x55, 0x04, 0x03]) == "2.5.4.3")
    }

    @Test func jksReadsCertificatesAndRefusesAWrongPassword() throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: TLSFixtures.path("server.jks"))))
        let store = try JKSKeyStore(bytes: bytes, password: "secret")
        let entry = try #require(store.privateKeys.first)
        #expect(entry.chain.count == 1)
        _ = try NIOSSLCertificate(bytes: entry.chain[0], format: .der)
        #expect(throws: JKSError.wrongPassword) { try JKSKeyStore(bytes: bytes, password: "wrong") }
        #expect(throws: JKSError.self) { try JKSKeyStore(bytes: Array(bytes.prefix(100)), password: "secret") }
        let trust = try JKSKeyStore(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: TLSFixtures.path("truststore.jks")))), password: "secret")
        #expect(trust.trustedCertificates.count == 1 && trust.privateKeys.isEmpty)
    }
}
