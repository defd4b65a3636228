import Testing
import ZooKeeperProtocol
@testable import ZooKeeperServerCore

/// `enforce.auth.enabled` / `sessionRequireClientSASLAuth`: requests other than
/// auth and SASL need an identity of an enforced scheme.
@Suite struct AuthEnforcementTests {
    @Test func unauthenticatedRequestIsClosedWithRequireSaslAuth() {
        let zk = StateHarness {
            $0.saslProvider = SASLAuthenticationProvider()
            $0.enforceAuthSchemes = ["sasl"]
        }
        let plain = zk.connect()
        let refused = zk.getData(plain, "/")
        #expect(refused.reply?.err == .sessionClosedRequireSaslAuth)
        #expect(refused.reply?.zxid == 0)
        #expect(refused.close)

        var authenticated = zk.connect()
        var identities = authenticated.identities
        identities.insert(AuthIdentity(scheme: "sasl", id: "jaasuser"))
        authenticated.identities = identities
        let served = zk.getData(authenticated, "/")
        #expect(served.reply?.err == .ok)
        #expect(!served.close)
    }

    @Test func saslSchemeACLsAreEnforced() {
        let zk = StateHarness { $0.saslProvider = SASLAuthenticationProvider() }
        var owner = zk.connect()
        var identities = owner.identities
        identities.insert(AuthIdentity(scheme: "sasl", id: "jaasuser"))
        owner.identities = identities
        let acl = [ACL(perms: Perms.all.rawValue, id: Id(scheme: "sasl", id: "jaasuser"))]
        let created = zk.send(owner, .create, .create(CreateRequest(path: "/s", data: nil, acl: acl, flags: 0)))
        #expect(created.reply?.err == .ok)
        #expect(zk.getData(owner, "/s").reply?.err == .ok)
        #expect(zk.getData(zk.connect(), "/s").reply?.err == .noAuth)
    }

    @Test func noEnforcementByDefault() {
        let zk = StateHarness()
        #expect(zk.getData(zk.connect(), "/").reply?.err == .ok)
    }
}
