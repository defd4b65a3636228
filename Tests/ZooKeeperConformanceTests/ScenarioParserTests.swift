import Foundation
import NIOCore
import Testing
import ZooKeeperProtocol
@testable import ZooKeeperConformance

@Suite struct ScenarioParserTests {
    @Test func connectWithOptions() throws {
        let scenario = try ScenarioParser.parse("c2 connect timeout=1000 resume=c1 passwd=wrong readOnly=true lastZxid=last+5\n", name: "t")
        var expected = Handshake()
        expected.timeout = 1000
        expected.resume = "c1"
        expected.password = .wrong
        expected.readOnly = true
        expected.lastZxidSeen = .lastPlus(5)
        #expect(scenario.steps == [Step(line: 1, connection: "c2", action: .connect(expected), source: "c2 connect timeout=1000 resume=c1 passwd=wrong readOnly=true lastZxid=last+5")])
    }

    @Test func createWithDataModeAndACL() throws {
        let text = #"""
        cleanup /a /b   # two roots
        c1 create /a/n data="hello world" mode=ephemeralSequential acl=world:anyone:r,digest:bob:X=:cdrwa,ip:127.0.0.0/8:rw
        """#
        let scenario = try ScenarioParser.parse(text, name: "t")
        #expect(scenario.cleanup == ["/a", "/b"])
        let acl = [
            ACL(perms: Perms.read.rawValue, id: Id(scheme: "world", id: "anyone")),
            ACL(perms: Perms.all.rawValue, id: Id(scheme: "digest", id: "bob:X=")),
            ACL(perms: Perms([.read, .write]).rawValue, id: Id(scheme: "ip", id: "127.0.0.0/8")),
        ]
        let body = RequestBody.create(CreateRequest(path: "/a/n", data: ByteBuffer(string: "hello world"), acl: acl, flags: 3))
        #expect(scenario.steps.map(\.action) == [.request(RequestSpec(op: .create, body: body))])
    }

    @Test func dataForms() throws {
        let text = """
        c1 setData /x data=hex:00ff version=3
        c1 setData /x data=null
        c1 setData /x data="null"
        c1 setData /x data=
        """
        let bodies = try ScenarioParser.parse(text, name: "t").steps.map(\.action)
        #expect(bodies == [
            .request(RequestSpec(op: .setData, body: .setData(SetDataRequest(path: "/x", data: ByteBuffer(bytes: [0, 0xff]), version: 3)))),
            .request(RequestSpec(op: .setData, body: .setData(SetDataRequest(path: "/x", data: nil, version: -1)))),
            .request(RequestSpec(op: .setData, body: .setData(SetDataRequest(path: "/x", data: ByteBuffer(string: "null"), version: -1)))),
            .request(RequestSpec(op: .setData, body: .setData(SetDataRequest(path: "/x", data: ByteBuffer(), version: -1)))),
        ])
    }

    @Test func specialXidsAndNoWait() throws {
        let steps = try ScenarioParser.parse("c1 ping\nc1 auth digest a:b\nc1 setWatches dataWatches=/a,/b\nc1 exists /x xid=9 nowait=true\n", name: "t").steps
        guard case .request(let ping) = steps[0].action, case .request(let auth) = steps[1].action,
              case .request(let watches) = steps[2].action, case .request(let exists) = steps[3].action else {
            Issue.record("not requests: \(steps)")
            return
        }
        #expect(ping.xid == Xid.ping)
        #expect(auth.xid == Xid.auth)
        #expect(auth.body == .auth(AuthPacket(type: 0, scheme: "digest", auth: ByteBuffer(string: "a:b"))))
        #expect(watches.xid == Xid.setWatches)
        #expect(watches.relativeZxid == .last)
        #expect(watches.body == .setWatches(SetWatches(relativeZxid: 0, dataWatches: ["/a", "/b"], existWatches: [], childWatches: [])))
        #expect(exists.xid == 9 && exists.wait == false)
    }

    @Test func multiBlock() throws {
        let text = """
        c1 multi
          create /m/a data=a
          check /m version=1
        end
        sleep 10
        """
        let scenario = try ScenarioParser.parse(text, name: "t")
        #expect(scenario.steps.count == 2)
        #expect(scenario.steps[0].source == "c1 multi (2 ops)")
        #expect(scenario.steps[1] == Step(line: 5, connection: "", action: .sleep(milliseconds: 10), source: "sleep 10"))
        guard case .request(let spec) = scenario.steps[0].action, case .multi(let multi) = spec.body else {
            Issue.record("not a multi")
            return
        }
        #expect(multi.ops.map(\.op) == [.create, .check])
    }

    @Test func rawAndWaits() throws {
        let steps = try ScenarioParser.parse("c1 open\nc1 raw 0000 00ff\nc1 wait 3\nc1 waitclose 200\nc1 waitclose\nc1 quiet 50\nf 4lw ruok\n", name: "t").steps
        #expect(steps.map(\.action) == [
            .open, .raw([0, 0, 0, 0xff]), .wait(count: 3), .waitClose(milliseconds: 200), .waitClose(milliseconds: nil),
            .quiet(milliseconds: 50), .fourLetterWord("ruok"),
        ])
    }

    @Test(arguments: [
        ("c1 frobnicate /x", 1, "unknown verb frobnicate"),
        ("c1 create /x colour=red", 1, "unknown option colour="),
        ("c1 create /x mode=sideways", 1, "unknown create mode sideways"),
        ("\nc1 multi\n  create /a\n", 2, "multi block without end"),
        ("c1 multi\n  frob /a\nend", 2, "unknown verb frob"),
        ("sleep 999999", 1, "milliseconds must be"),
        ("c1 raw 0g", 1, "raw takes hex bytes"),
        ("C1 ping", 1, "expected a connection name"),
        ("c1 create /x acl=world:anyone", 1, "ACL entry must be scheme:id:perms"),
        ("c1 create /x data=\"open", 1, "unterminated quote"),
        ("c1 getData /x /y", 1, "unexpected argument /y"),
    ])
    func errorsNameTheLine(text: String, line: Int, message: String) {
        #expect {
            _ = try ScenarioParser.parse(text, name: "t")
        } throws: { error in
            guard let error = error as? ScenarioError else { return false }
            return error.line == line && error.message.contains(message)
        }
    }

    /// Every scenario in the repository parses and has its recorded expectation.
    @Test func repositoryScenariosParseAndAreRecorded() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let conformance = root.appendingPathComponent("Conformance").path
        let groups = try FileManager.default.contentsOfDirectory(atPath: conformance)
            .filter { FileManager.default.fileExists(atPath: "\(conformance)/\($0)/server.cfg") }
        #expect(!groups.isEmpty)
        var count = 0
        for group in groups {
            let suite = try ZooKeeperConformance.Suite(directory: "\(conformance)/\(group)")
            for name in suite.names {
                _ = try suite.load(name)
                let expected = try suite.expected(name)
                #expect(expected?.isEmpty == false, "\(group)/\(name) has no expectation")
                count += 1
            }
        }
        #expect(count >= 40)
    }
}
