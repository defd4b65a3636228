import NIOCore
import Testing
import ZooKeeperTestSupport
import ZooKeeperPCAP
import ZooKeeperProtocol
import ZooKeeperTraffic

/// What Java ZooKeeper 3.8.0 does on the wire that its documentation does not
/// say, pinned from the captures. A server meant to be a drop-in does the same.
@Suite struct JavaQuirkTests {
    private func exchanges(_ capture: String) throws -> [WireExchange] {
        wireExchanges(try Captures.decode(capture).messages).exchanges
    }

    @Test func watchEventsCarryZxidMinusOne() throws {
        var events = 0
        for capture in Captures.names {
            for message in try Captures.decode(capture).messages {
                if case .server(.event(let header, _)) = message.content {
                    #expect(header.zxid == -1 && header.err == 0, "\(capture)")
                    events += 1
                }
            }
        }
        #expect(events > 20)
    }

    @Test func pingIsAnsweredWithXidMinusTwoWhateverItsXid() throws {
        let pings = try exchanges("raw_protocol").filter { $0.request.op == .ping }
        #expect(pings.contains { $0.request.xid == 1000 })
        #expect(pings.allSatisfy { $0.reply.xid == Xid.ping && $0.reply.body == .none })
    }

    @Test func authIsAnsweredWithItsOwnXidAndZxidZero() throws {
        let auths = try exchanges("raw_protocol").filter { $0.request.op == .auth }
        #expect(Set(auths.map(\.request.xid)) == [Xid.auth, 1001])
        #expect(auths.allSatisfy { $0.reply.xid == $0.request.xid && $0.reply.zxid == 0 })
        let failed = try exchanges("standalone_acl").filter { $0.request.op == .auth && $0.reply.err == .authFailed }
        #expect(!failed.isEmpty && failed.allSatisfy { $0.reply.zxid == 0 })
    }

    @Test func existsOnAMissingNodeIsNoNodeWithoutABody() throws {
        let misses = try exchanges("standalone_basic").filter { $0.request.op == .exists && $0.reply.err == .noNode }
        #expect(!misses.isEmpty && misses.allSatisfy { $0.reply.body == .none })
    }

    @Test func aFailedMultiHasErrOkInItsHeaderAndRollsBackInItsResults() throws {
        let multis = try exchanges("standalone_multi").filter { $0.request.op == .multi }
        let failed = multis.filter {
            guard case .multi(let m) = $0.reply.body else { return false }
            return m.results.contains { $0.op == .error }
        }
        #expect(failed.count >= 4)
        for exchange in failed {
            #expect(exchange.reply.err == .ok)
            guard case .multi(let response) = exchange.reply.body else { continue }
            // Every result is an error result: ok before the failing op, the error at
            // it, RuntimeInconsistency after it.
            #expect(response.results.allSatisfy { $0.op == .error })
            let errs = response.results.map(\.err)
            let failing = try #require(errs.firstIndex { $0 != .ok })
            #expect(errs[(failing + 1)...].allSatisfy { $0 == .runtimeInconsistency })
        }
    }

    @Test func failedWritesConsumeAZxidFailedReadsDoNot() throws {
        let all = try exchanges("standalone_basic")
        var writes = 0, reads = 0
        for (previous, exchange) in zip(all, all.dropFirst()) where exchange.reply.err != .ok {
            let isWrite = [OpCode.create, .delete, .setData, .setACL].contains(exchange.request.op)
            if isWrite {
                #expect(exchange.reply.zxid == previous.reply.zxid + 1, "\(exchange.request.op) \(exchange.reply.err)")
                writes += 1
            } else if [OpCode.exists, .getData, .getChildren, .getChildren2].contains(exchange.request.op) {
                #expect(exchange.reply.zxid == previous.reply.zxid, "\(exchange.request.op) \(exchange.reply.err)")
                reads += 1
            }
        }
        #expect(writes >= 5 && reads >= 5, "\(writes) failed writes, \(reads) failed reads")
    }

    @Test func anUnknownOpCodeIsUnimplementedWithZxidMinusOne() throws {
        let unknown = try exchanges("raw_protocol").filter { $0.request.op.name == nil }
        #expect(unknown.count >= 2)
        #expect(unknown.allSatisfy { $0.reply.err == .unimplemented && $0.reply.zxid == -1 && $0.reply.body == .none })
    }

    @Test func aTopLevelCheckWithTheRightVersionGetsNoReply() throws {
        // 3.8.0 fails serializing the reply (the transcript's note); a wrong version is BadVersion.
        let (answered, unanswered) = wireExchanges(try Captures.decode("raw_protocol").messages)
        #expect(unanswered.contains { $0.op == .check })
        #expect(answered.contains { $0.request.op == .check && $0.reply.err == .badVersion })
    }

    @Test func anUndecodableRequestBodyIsAnsweredWithMarshallingError() throws {
        let decoded = try Captures.decode("bad_input").messages
        let replies = decoded.compactMap { message -> ServerReply? in
            if case .server(.reply(let reply)) = message.content, reply.err == .marshallingError { return reply }
            return nil
        }
        #expect(replies.count == 3)
        #expect(replies.allSatisfy { $0.xid == 1 && $0.body == .none })
    }

    @Test func handshakeVariants() throws {
        var connects: [(ConnectRequestFrame, ConnectResponseFrame?)] = []
        var pending: [ConnectionID: ConnectRequestFrame] = [:]
        for message in try Captures.decode("raw_protocol").messages {
            switch message.content {
            case .client(.connect(let frame)): pending[message.stream.connection] = frame
            case .server(.connect(let frame)):
                if let request = pending.removeValue(forKey: message.stream.connection) { connects.append((request, frame)) }
            default: break
            }
        }
        connects += pending.values.map { ($0, nil) }
        // A client without the readOnly byte gets an answer without it.
        #expect(connects.contains { !$0.0.hasReadOnlyByte && $0.1?.hasReadOnlyByte == false })
        // Timeouts are clamped to [2, 20] ticks of 2000 ms.
        #expect(connects.contains { $0.0.request.timeOut == 1000 && $0.1?.response.timeOut == 4000 })
        #expect(connects.contains { $0.0.request.timeOut == 100_000 && $0.1?.response.timeOut == 40000 })
        // An unknown session is refused with timeout 0 and session 0.
        #expect(connects.contains {
            $0.0.request.sessionId == 0x1234 && $0.1?.sessionExpired == true && $0.1?.response.sessionId == 0
        })
        // A client whose lastZxidSeen is ahead of the server gets no answer at all.
        #expect(connects.contains { $0.0.request.lastZxidSeen == 0x7fff_ffff && $0.1 == nil })
        // protocolVersion 1 from the client is accepted and answered with 0.
        #expect(connects.contains { $0.0.request.protocolVersion == 1 && $0.1?.response.protocolVersion == 0 })
    }

    @Test func deleteContainerFromAClientIsABarePathAndRefused() throws {
        let refused = try exchanges("raw_protocol").filter { $0.request.op == .deleteContainer }
        #expect(refused.count >= 2)
        #expect(refused.allSatisfy { $0.reply.err == .badArguments })
    }

    @Test func sequentialNodesTakeTheParentsCversionInTenDigits() throws {
        let created = try exchanges("standalone_basic").compactMap { exchange -> String? in
            guard case .create(let r) = exchange.request.body, CreateMode(rawValue: r.flags).isSequential,
                case .create(let response) = exchange.reply.body
            else { return nil }
            return response.path
        }
        #expect(!created.isEmpty)
        #expect(created.allSatisfy { path in
            let suffix = path.suffix(10)
            return suffix.count == 10 && suffix.allSatisfy(\.isNumber)
        })
    }
}
