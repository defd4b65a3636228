import NIOCore
import ZooKeeperProtocol

extension ZooKeeperState {
    /// Reads and watch management: answered from the tree, no zxid consumed.
    func read(_ request: ClientRequest, _ connection: ConnectionContext, _ deliveries: inout [WatchDelivery]) -> (ErrorCode, ResponseBody) {
        let identities = connection.identities.all
        let me = connection.id
        do throws(KeeperFailure) {
            // Java dereferences a read's path first: a null one is a NullPointerException.
            if request.body.path == nil && Self.pathReads.contains(request.op) { throw KeeperFailure(.marshallingError) }
            switch request.body {
            case .none where request.op == .ping:
                return (.ok, .none)
            case .none where request.op == .whoAmI:
                let infos = identities.map { ClientInfo(authScheme: $0.scheme, user: Self.userName($0)) }
                return (.ok, .whoAmI(WhoAmIResponse(clientInfo: infos)))
            case .exists(let r):
                let path = r.path ?? ""
                if path.utf8.contains(0) { throw KeeperFailure(.badArguments) }
                // Java registers the watch before it looks: exists watches a missing node.
                if r.watch { watches.addData(path, me) }
                guard let node = tree.node(path) else { throw KeeperFailure(.noNode) }
                return (.ok, .exists(ExistsResponse(stat: stat(of: node))))
            case .getData(let r):
                return (.ok, .getData(try getData(r, identities, me)))
            case .getChildren(let r):
                return (.ok, .getChildren(GetChildrenResponse(children: try getChildren(r.path ?? "", watch: r.watch, identities, me))))
            case .getChildren2(let r):
                let path = r.path ?? ""
                let children = try getChildren(path, watch: r.watch, identities, me)
                return (.ok, .getChildren2(GetChildren2Response(children: children, stat: stat(of: tree.node(path)!))))
            case .getACL(let r):
                let node = try readable(r.path ?? "", [.read, .admin], identities)
                var acl = node.acl
                if !access.allows(.admin, acl: acl, identities: identities) {
                    // Without ADMIN the digest hashes are hidden.
                    acl = acl.map { entry in
                        guard entry.id.scheme == "digest", let id = entry.id.id else { return entry }
                        let user = id.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? id
                        return ACL(perms: entry.perms, id: Id(scheme: "digest", id: id.contains(":") ? user + ":x" : id))
                    }
                }
                return (.ok, .getACL(GetACLResponse(acl: acl, stat: stat(of: node))))
            case .getAllChildrenNumber(let r):
                let path = r.path ?? ""
                _ = try readable(path, .read, identities)
                return (.ok, .getAllChildrenNumber(GetAllChildrenNumberResponse(totalNumber: Int32(tree.allChildrenNumber(path)))))
            case .getEphemerals(let r):
                let prefix = (r.prefixPath ?? "").trimmingSpaces
                let all = tree.ephemerals(of: connection.sessionID)
                let list = prefix.isEmpty || prefix == "/" ? Array(all) : all.filter { $0.hasPrefix(r.prefixPath ?? "") }
                return (.ok, .getEphemerals(GetEphemeralsResponse(ephemerals: list)))
            case .sync(let r):
                return (.ok, .sync(SyncResponse(path: r.path)))
            case .setWatches(let r):
                setWatches(r.relativeZxid, data: r.dataWatches, exist: r.existWatches, child: r.childWatches, persistent: nil, recursive: nil, me, &deliveries)
                return (.ok, .none)
            case .setWatches2(let r):
                setWatches(
                    r.relativeZxid, data: r.dataWatches, exist: r.existWatches, child: r.childWatches,
                    persistent: r.persistentWatches, recursive: r.persistentRecursiveWatches, me, &deliveries
                )
                return (.ok, .none)
            case .addWatch(let r):
                guard let mode = WatchMode(addWatchMode: r.mode) else { throw KeeperFailure(.marshallingError) }
                watches.addPersistent(r.path ?? "", me, mode: mode)
                return (.ok, .error(ErrorResponse(err: 0)))
            case .checkWatches(let r):
                guard (1...3).contains(r.type) else { throw KeeperFailure(.marshallingError) }
                guard watches.contains(r.path ?? "", type: r.type, watcher: me) else { throw KeeperFailure(.noWatcher) }
                return (.ok, .none)
            case .removeWatches(let r):
                guard (1...3).contains(r.type) else { throw KeeperFailure(.marshallingError) }
                guard watches.remove(r.path ?? "", type: r.type, watcher: me) else { throw KeeperFailure(.noWatcher) }
                return (.ok, .none)
            case .multi(let multi) where request.op == .multiRead:
                return multiRead(multi, identities, me)
            default:
                throw KeeperFailure(.marshallingError)
            }
        } catch {
            return (error.code, .none)
        }
    }

    static let pathReads: Set<OpCode> = [.exists, .getData, .getChildren, .getChildren2, .getACL, .getAllChildrenNumber, .addWatch]

    /// whoAmI's user: the provider's user name (digest: the part before the
    /// colon); schemes without a provider, like super, have none.
    static func userName(_ identity: AuthIdentity) -> String? {
        switch identity.scheme {
        case "digest": String(identity.id.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        case "super": nil
        default: identity.id
        }
    }

    /// The node at `path` if the connection may `perm` it: NoNode, then NoAuth.
    private func readable(_ path: String, _ perm: Perms, _ identities: [AuthIdentity]) throws(KeeperFailure) -> DataNode {
        guard let node = tree.node(path) else { throw KeeperFailure(.noNode) }
        guard access.allows(perm, acl: node.acl, identities: identities) else { throw KeeperFailure(.noAuth) }
        return node
    }

    private func getData(_ r: GetDataRequest, _ identities: [AuthIdentity], _ me: ConnectionID) throws(KeeperFailure) -> GetDataResponse {
        let path = r.path ?? ""
        let node = try readable(path, .read, identities)
        if r.watch { watches.addData(path, me) }
        return GetDataResponse(data: node.data, stat: stat(of: node))
    }

    private func getChildren(_ path: String, watch: Bool, _ identities: [AuthIdentity], _ me: ConnectionID) throws(KeeperFailure) -> [String] {
        let node = try readable(path, .read, identities)
        if watch { watches.addChild(path, me) }
        return Array(node.children)
    }

    /// Per-op errors become ErrorResults; a write op inside fails the whole
    /// multiRead with MarshallingError, keeping the results before it.
    private func multiRead(_ multi: MultiRequest, _ identities: [AuthIdentity], _ me: ConnectionID) -> (ErrorCode, ResponseBody) {
        var results: [MultiResponse.Result] = []
        for op in multi.ops {
            do throws(KeeperFailure) {
                switch op.body {
                case .getData(let r) where op.op == .getData:
                    let response = try getData(r, identities, me)
                    results.append(.init(header: MultiHeader(type: OpCode.getData.rawValue, done: false, err: 0), body: .getData(response)))
                case .getChildren(let r) where op.op == .getChildren:
                    let children = try getChildren(r.path ?? "", watch: r.watch, identities, me)
                    results.append(.init(
                        header: MultiHeader(type: OpCode.getChildren.rawValue, done: false, err: 0),
                        body: .getChildren(GetChildrenResponse(children: children))
                    ))
                default:
                    return (.marshallingError, .multi(MultiResponse(results: results)))
                }
            } catch {
                results.append(.init(header: MultiHeader(type: -1, done: false, err: error.code.rawValue), body: .error(ErrorResponse(err: error.code.rawValue))))
            }
        }
        return (.ok, .multi(MultiResponse(results: results)))
    }

    /// Java's DataTree.setWatches: what changed since relativeZxid fires at
    /// once; the rest is registered. Persistent watches are only re-added.
    private func setWatches(
        _ relativeZxid: Int64, data: [String]?, exist: [String]?, child: [String]?, persistent: [String]?,
        recursive: [String]?, _ me: ConnectionID, _ deliveries: inout [WatchDelivery]
    ) {
        func fire(_ type: EventType, _ path: String) {
            deliveries.append(WatchDelivery(connection: me, event: WatchManager.event(type, path)))
        }
        for path in data ?? [] {
            if let node = tree.node(path) {
                if node.stat.mzxid > relativeZxid { fire(.nodeDataChanged, path) } else { watches.addData(path, me) }
            } else {
                fire(.nodeDeleted, path)
            }
        }
        for path in exist ?? [] {
            if tree.node(path) != nil { fire(.nodeCreated, path) } else { watches.addData(path, me) }
        }
        for path in child ?? [] {
            if let node = tree.node(path) {
                if node.stat.pzxid > relativeZxid { fire(.nodeChildrenChanged, path) } else { watches.addChild(path, me) }
            } else {
                fire(.nodeDeleted, path)
            }
        }
        for path in persistent ?? [] { watches.addPersistent(path, me, mode: .persistent) }
        for path in recursive ?? [] { watches.addPersistent(path, me, mode: .persistentRecursive) }
    }
}

extension String {
    /// Java's String.trim: drops leading and trailing characters up to U+0020.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0.value > 0x20 }),
              let last = scalars.lastIndex(where: { $0.value > 0x20 }) else { return "" }
        return String(scalars[first...last])
    }
}
