import NIOCore
import Testing
import ZooKeeperPCAP
import ZooKeeperProtocol
import ZooKeeperServerCore
import ZooKeeperTestSupport
import ZooKeeperTraffic

/// captures/sasl/sasl_digest.pcap: Java 3.8.0's SASL DIGEST-MD5 exchanges (a
/// login, a wrong password, a truncated response). Given Java's nonce, our
/// DIGEST-MD5 server answers each client token with Java's bytes, and fails
/// where Java failed.
@Suite struct SASLCaptureTests {
    struct Step {
        var request: [UInt8]
        var err: ErrorCode
        var reply: [UInt8]?
    }

    /// Each connection's SASL requests and their replies, in order.
    static func exchanges() throws -> [ZooKeeperPCAP.ConnectionID: [Step]] {
        let decoding = try CaptureDecoder(ports: TrafficPorts(client: [2181])).decode(captureFile: try Captures.bytes("sasl/sasl_digest"))
        var pending: [ZooKeeperPCAP.ConnectionID: [[UInt8]]] = [:]
        var steps: [ZooKeeperPCAP.ConnectionID: [Step]] = [:]
        for message in decoding.messages {
            switch message.content {
            case .client(.request(let request)):
                if case .sasl(let sasl) = request.body {
                    pending[message.stream.connection, default: []].append(sasl.token.map { Array($0.readableBytesView) } ?? [])
                }
            case .server(.reply(let reply)) where reply.op == .sasl:
                guard case .sasl(let response) = reply.body, !(pending[message.stream.connection] ?? []).isEmpty else { continue }
                let request = pending[message.stream.connection]!.removeFirst()
                steps[message.stream.connection, default: []].append(
                    Step(request: request, err: reply.err, reply: response.token.map { Array($0.readableBytesView) })
                )
            default:
                continue
            }
        }
        return steps
    }

    static let users = ["super": "super_secret", "jaasuser": "jaas_password"]

    static func nonce(in challenge: [UInt8]) throws -> [UInt8] {
        let text = String(decoding: challenge, as: UTF8.self)
        let directive = try #require(text.split(separator: ",").first { $0.hasPrefix("nonce=\"") })
        return Array(directive.dropFirst(7).dropLast().utf8)
    }

    @Test func ourServerGivesJavasAnswers() throws {
        let connections = try Self.exchanges()
        #expect(connections.count == 3)
        var outcomes: [String] = []
        for (_, steps) in connections {
            try #require(steps.count == 2)
            let challenge = try #require(steps[0].reply)
            var server = DigestMD5Server(credentials: Self.users, nonce: try Self.nonce(in: challenge))
            #expect(steps[0].err == .ok && steps[0].request.isEmpty)
            #expect(try server.evaluate([]) == challenge)
            if steps[1].err == .ok {
                #expect(try server.evaluate(steps[1].request) == steps[1].reply)
                #expect(server.authenticationID == "jaasuser")
                outcomes.append("ok")
            } else {
                // Java answers a failure with AuthFailed and a null token.
                #expect(steps[1].err == .authFailed && steps[1].reply == nil)
                #expect(throws: DigestMD5Error.self) { try server.evaluate(steps[1].request) }
                outcomes.append("failed")
            }
        }
        #expect(outcomes.sorted() == ["failed", "failed", "ok"])
    }

    @Test func whoAmIShowsTheSaslIdentity() throws {
        let decoding = try CaptureDecoder(ports: TrafficPorts(client: [2181])).decode(captureFile: try Captures.bytes("sasl/sasl_digest"))
        let infos = decoding.messages.compactMap { message -> [ClientInfo]? in
            guard case .server(.reply(let reply)) = message.content, case .whoAmI(let response) = reply.body else { return nil }
            return response.clientInfo
        }
        let identities = try #require(infos.first).map { "\($0.authScheme ?? ""):\($0.user ?? "")" }
        #expect(Set(identities) == ["ip:127.0.0.1", "sasl:jaasuser"])
    }

    @Test func everyMessageDecodes() throws {
        let decoding = try CaptureDecoder(ports: TrafficPorts(client: [2181])).decode(captureFile: try Captures.bytes("sasl/sasl_digest"))
        for message in decoding.messages {
            switch message.content {
            case .malformed, .undecoded, .gap, .resynchronised: Issue.record("\(message.content)")
            default: break
            }
        }
    }
}
