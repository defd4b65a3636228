import Foundation
import NIOCore
import Testing
import ZooKeeperDump
import ZooKeeperPCAP
import ZooKeeperTestSupport

/// The same traffic in other shapes decodes to the same ZooKeeper messages.
@Suite struct RewrittenCaptureTests {
    /// JSON lines without what a rewrite may change: arrival times and latencies.
    private func messages(_ bytes: ByteBuffer) -> (lines: [String], status: DumpExitStatus) {
        var options = TrafficDump.Options()
        options.json = true
        var lines: [String] = []
        let status = TrafficDump.decode(fileName: "rewritten", bytes: bytes, options: options, emit: { line in
            let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let kept = object.filter { !["time", "latency_us", "sent"].contains($0.key) }
            lines.append(String(decoding: try! JSONSerialization.data(withJSONObject: kept, options: .sortedKeys), as: UTF8.self))
        }, warn: { Issue.record("\($0)") })
        return (lines, status)
    }

    @Test(arguments: [
        (CaptureRewriting.Link.linuxSLL, CaptureRewriting.Format.pcap),
        (.linuxSLL2, .pcapng),
        (.raw, .pcap),
        (.null, .pcapng),
        (.ethernet, .pcapng),
    ])
    func otherLinkLayersAndFormats(link: CaptureRewriting.Link, format: CaptureRewriting.Format) throws {
        for capture in ["standalone_basic", "ensemble_snap_sync"] {
            let original = try Captures.bytes(capture)
            let packets = try CaptureRewriting.packets(of: original)
            let expected = messages(original)
            let rewritten = messages(CaptureRewriting.capture(packets, link: link, format: format))
            #expect(rewritten.status == .ok)
            #expect(rewritten.lines == expected.lines, "\(capture) as \(link) \(format)")
        }
    }

    @Test(arguments: ["standalone_watches", "standalone_extended", "ensemble_failover"])
    func splitReorderedAndDuplicatedSegments(capture: String) throws {
        let original = try Captures.bytes(capture)
        let packets = try CaptureRewriting.packets(of: original)
        let expected = messages(original)
        let mangled = CaptureRewriting.duplicate(CaptureRewriting.reorder(CaptureRewriting.split(packets)))
        #expect(mangled.count > packets.count * 2)
        let rewritten = messages(CaptureRewriting.capture(mangled, link: .ethernet, format: .pcap))
        #expect(rewritten.status == .ok)
        #expect(rewritten.lines == expected.lines)
    }

    /// A capture that starts inside a connection says where it skipped bytes to
    /// find a message boundary, then decodes the rest.
    @Test func captureCutInTheMiddleOfAConnection() throws {
        let original = try Captures.bytes("standalone_basic")
        let packets = try CaptureRewriting.packets(of: original)
        // Past the handshakes, then half a segment more so the cut lands inside a frame.
        var cut = CaptureRewriting.cut(packets, dropping: 20)
        let firstData = try #require(cut.firstIndex { $0.segment.payload.readableBytes > 8 })
        var first = cut[firstData]
        first.segment.payload.moveReaderIndex(forwardBy: 3)
        first.segment.sequenceNumber &+= 3
        cut[firstData] = first

        var options = TrafficDump.Options()
        options.json = true
        var kinds: [String] = []
        var reasons: [String] = []
        let status = TrafficDump.decode(
            fileName: "cut", bytes: CaptureRewriting.capture(cut, link: .ethernet, format: .pcap), options: options,
            emit: { line in
                let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                kinds.append(object["kind"] as! String)
                if let reason = object["reason"] as? String { reasons.append(reason) }
            }, warn: { _ in })
        #expect(status == .problems)
        #expect(reasons.contains("skipped to the next message boundary"))
        #expect(!kinds.contains("malformed"))
        let responses = kinds.filter { $0 == "response" }.count
        #expect(responses > 20, "decoding goes on after the resynchronisation: \(responses) responses")
    }

    /// When the capture misses the handshake and the server speaks first, the
    /// well-known port still decides who is the server.
    @Test func aCaptureStartingWithTheServersBytesKeepsTheRoles() throws {
        let packets = try CaptureRewriting.packets(of: try Captures.bytes("standalone_watches"))
        let firstReply = try #require(packets.indices.first { index in
            index > 10 && packets[index].segment.source.port == 2181 && packets[index].segment.payload.readableBytes > 0
        })
        var options = TrafficDump.Options()
        options.json = true
        var directions: [String: Set<String>] = [:]
        _ = TrafficDump.decode(
            fileName: "cut", bytes: CaptureRewriting.capture(Array(packets[firstReply...]), link: .ethernet, format: .pcap),
            options: options,
            emit: { line in
                let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                let kind = object["kind"] as! String
                let src = object["src"] as! String
                directions[kind, default: []].insert(String(src.split(separator: ":").last!))
            }, warn: { _ in })
        #expect(directions["response"] == ["2181"])
        #expect(directions["event"] == ["2181"])
        #expect(!(directions["request"]?.contains("2181") ?? true))
    }
}
