import ZooKeeperProtocol

extension ZooKeeperState {
    /// Java's ContainerManager candidates: empty containers that once had a
    /// child (or, with `maxNeverUsedInterval`, were created long enough ago),
    /// and empty TTL nodes untouched for longer than their TTL.
    public func containerCandidates(now: Instant, maxNeverUsedInterval: Int64 = 0) -> [String] {
        var candidates: [String] = []
        for path in tree.containers.sorted() {
            guard let node = tree.node(path), node.children.isEmpty else { continue }
            if node.stat.cversion > 0 {
                candidates.append(path)
            } else if maxNeverUsedInterval > 0 && now.wall - node.stat.ctime > maxNeverUsedInterval {
                candidates.append(path)
            }
        }
        for path in tree.ttls.sorted() {
            guard let node = tree.node(path), node.children.isEmpty,
                  case .ttl(let ttl) = tree.kind(of: node), ttl != 0, now.wall - node.stat.mtime > ttl else { continue }
            candidates.append(path)
        }
        return candidates
    }

    /// Deletes due containers and TTL nodes, at most `limit` per call, each
    /// through a deleteContainer txn as Java's server posts it to itself.
    public func reapContainers(now: Instant, limit: Int = .max, maxNeverUsedInterval: Int64 = 0) -> RequestOutcome {
        var outcome = RequestOutcome()
        for path in containerCandidates(now: now, maxNeverUsedInterval: maxNeverUsedInterval).prefix(limit) {
            let zxid = nextZxid()
            var header = TxnHeader(clientId: 0, cxid: 0, zxid: zxid, time: now.wall, type: OpCode.deleteContainer.rawValue)
            var pending = PendingChanges()
            let body: TxnBody
            do {
                body = try prepareDeleteContainer(path, Requester(sessionID: 0, identities: [], zxid: zxid, time: now.wall), &pending)
            } catch {
                header.type = OpCode.error.rawValue
                body = .error(ErrorTxn(err: error.code.rawValue))
            }
            let entry = TxnEntry(header: header, body: body)
            commit(entry, to: &outcome.txns, deliveries: &outcome.deliveries)
        }
        return outcome
    }
}
