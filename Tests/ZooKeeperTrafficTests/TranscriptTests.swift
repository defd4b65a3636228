import Foundation
import NIOCore
import Testing
import ZooKeeperTestSupport
import ZooKeeperPCAP
import ZooKeeperProtocol
import ZooKeeperTraffic

/// What one request and its reply said on the wire.
private struct Exchange: CustomStringConvertible {
    var op: String
    var path: String?
    var err: Int32
    /// What a client reports: a failed multi has header err 0 and the error in
    /// its results; exists on a missing node is NoNode on the wire, null to the caller.
    var clientErrs: Set<Int32>
    var stat: Stat?
    var version: Int32?
    var description: String { "\(op) \(path ?? "-") err=\(err)" }
}

private struct SessionTraffic {
    var exchanges: [Exchange] = []
    var events: [WatcherEvent] = []
}

/// Requests with their replies, and watch events, per session (a session may span connections).
private func sessions(in messages: [DecodedMessage]) -> [Int64: SessionTraffic] {
    var result: [Int64: SessionTraffic] = [:]
    for exchange in wireExchanges(messages).exchanges {
        guard let session = exchange.session else { continue }
        let request = exchange.request, reply = exchange.reply
        var version: Int32?
        switch request.body {
        case .setData(let r): version = r.version
        case .delete(let r): version = r.version
        case .setACL(let r): version = r.version
        default: break
        }
        var clientErrs: Set<Int32> = [reply.err.rawValue]
        if case .multi(let multi) = reply.body, let failed = multi.results.first(where: { $0.err != .ok }) {
            clientErrs.insert(failed.err.rawValue)
        }
        if request.op == .exists, reply.err == .noNode { clientErrs.insert(0) }
        // The Java client checks its own watch table when the reply comes: a
        // watch it had already dropped is NoWatcher to the caller though the server said Ok.
        if request.op == .removeWatches || request.op == .checkWatches, reply.err == .ok {
            clientErrs.insert(ErrorCode.noWatcher.rawValue)
        }
        result[session, default: SessionTraffic()].exchanges.append(Exchange(
            op: request.op.name ?? "\(request.op.rawValue)", path: request.body.path,
            err: reply.err.rawValue, clientErrs: clientErrs, stat: reply.body.stat, version: version))
    }
    var sessionOf: [ConnectionID: Int64] = [:]
    for message in messages where message.proto == .client {
        switch message.content {
        case .server(.connect(let frame)): sessionOf[message.stream.connection] = frame.response.sessionId
        case .server(.event(_, let event)):
            if let session = sessionOf[message.stream.connection] {
                result[session, default: SessionTraffic()].events.append(event)
            }
        default: break
        }
    }
    return result
}

private func statMatches(_ expected: [String: Any], _ stat: Stat) -> Bool {
    let fields: [String: Int64] = [
        "czxid": stat.czxid, "mzxid": stat.mzxid, "ctime": stat.ctime, "mtime": stat.mtime,
        "version": Int64(stat.version), "cversion": Int64(stat.cversion), "aversion": Int64(stat.aversion),
        "ephemeralOwner": stat.ephemeralOwner, "dataLength": Int64(stat.dataLength),
        "numChildren": Int64(stat.numChildren), "pzxid": stat.pzxid,
    ]
    return expected.allSatisfy { key, value in
        guard let number = value as? NSNumber, let actual = fields[key] else { return true }
        return number.int64Value == actual
    }
}

@Suite struct TranscriptTests {
    /// Each action the client logged is on the wire, in order, with the same
    /// op, path, version, error code and Stat; each watch event it received too.
    @Test(arguments: Captures.names)
    func transcriptMatchesTheWire(capture: String) throws {
        let transcript = try Captures.transcript(capture)
        let decoded = try Captures.decode(capture)
        let wire = sessions(in: decoded.messages)
        var cursor: [Int64: Int] = [:]
        var checked = 0
        for line in transcript {
            guard let op = line["op"] as? String, let sessionText = line["session"] as? String,
                let session = UInt64(sessionText.dropFirst(2), radix: 16).map({ Int64(bitPattern: $0) })
            else { continue }
            let traffic = wire[session] ?? SessionTraffic()
            // Client libraries make state events (type None) and watch-removal
            // events (types 5-7) themselves; the server never sends them.
            if op == "event", let event = line["event"] as? [String: Any],
                let type = (event["type"] as? NSNumber)?.int32Value, type >= 1, type <= 4
            {
                // One event on the wire reaches every watcher registered for it, so
                // the client may log it more than once, from several threads.
                #expect(traffic.events.contains { eventMatches(event, $0) },
                        "\(capture): event \(event) not on the wire for \(sessionText)")
                checked += 1
                continue
            }
            guard OpCode(name: op) != nil else { continue }
            // No reply expected: the connection was gone, or the server never answered
            // (a top-level check on 3.8.0); the quirk tests pin those cases.
            guard line["err"] is NSNumber, line["no_reply"] == nil else { continue }
            // The client failed the call itself (an expired handle, say); the transcript says so.
            if let note = line["note"] as? String,
                ["nothing is sent", "sends nothing", "not on the wire", "fails locally"].contains(where: note.contains)
            {
                continue
            }
            let path = (line["path"] as? String).map(normalised)
            let err = (line["err"] as? NSNumber)?.int32Value
            let version = (line["version"] as? NSNumber)?.int32Value
            let stat = line["stat"] as? [String: Any]
            var index = cursor[session, default: 0]
            while index < traffic.exchanges.count {
                let exchange = traffic.exchanges[index]
                if exchange.op == op, path == nil || exchange.path.map(normalised) == path || containerPathMatches(op, exchange.path, path), err.map(exchange.clientErrs.contains) ?? true,
                    version == nil || exchange.version == nil || exchange.version == version
                {
                    break
                }
                index += 1
            }
            #expect(index < traffic.exchanges.count, "\(capture): \(op) \(path ?? "-") err=\(err.map(String.init) ?? "-") not found on the wire for \(sessionText)")
            if index < traffic.exchanges.count, let stat {
                let wireStat = traffic.exchanges[index].stat
                #expect(wireStat.map { statMatches(stat, $0) } ?? false, "\(capture): stat of \(op) \(path ?? ""): \(stat) vs \(String(describing: wireStat))")
            }
            if index < traffic.exchanges.count { cursor[session] = index + 1 }
            checked += 1
        }
        #expect(transcript.isEmpty || checked > 0, "\(capture): no transcript line was checked")
    }
}

private func eventMatches(_ expected: [String: Any], _ event: WatcherEvent) -> Bool {
    (expected["type"] as? NSNumber)?.int32Value == event.type
        && (expected["state"] as? NSNumber).map { $0.int32Value == event.state } ?? true
        && (expected["path"] as? String).map { $0 == event.path } ?? true
}

/// Transcripts write a NUL in a path as the two characters `\0`, and kazoo
/// collapses repeated slashes before it sends a path.
private func normalised(_ path: String) -> String {
    var path = path.replacingOccurrences(of: "\u{0}", with: "\\0")
    while path.contains("//") { path = path.replacingOccurrences(of: "//", with: "/") }
    return path
}

/// deleteContainer's body is a bare UTF-8 path to Java; the recording client sent
/// a Jute ustring, so the path Java saw begins with the 4 length bytes.
private func containerPathMatches(_ op: String, _ wire: String?, _ expected: String?) -> Bool {
    guard op == "deleteContainer", let wire, let expected else { return false }
    return wire.hasSuffix(expected) && wire.utf8.count == expected.utf8.count + 4
}
