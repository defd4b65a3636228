import NIOCore
import ZooKeeperPCAP
import ZooKeeperProtocol
import ZooKeeperTraffic

/// A request and the reply that answered it, on one connection.
struct WireExchange {
    var connection: ConnectionID
    var session: Int64?
    var request: ClientRequest
    var reply: ServerReply
}

/// Pairs each reply with its request: by xid, except pings, which Java always
/// answers with xid -2.
func wireExchanges(_ messages: [DecodedMessage]) -> (exchanges: [WireExchange], unanswered: [ClientRequest]) {
    var sessionOf: [ConnectionID: Int64] = [:]
    var pending: [ConnectionID: [ClientRequest]] = [:]
    var exchanges: [WireExchange] = []
    for message in messages where message.proto == .client {
        let connection = message.stream.connection
        switch message.content {
        case .server(.connect(let frame)):
            sessionOf[connection] = frame.response.sessionId
        case .client(.request(let request)):
            pending[connection, default: []].append(request)
        case .server(.reply(let reply)):
            guard let index = pending[connection]?.firstIndex(where: {
                reply.xid == Xid.ping ? $0.op == .ping : $0.xid == reply.xid
            }) else { continue }
            let request = pending[connection]!.remove(at: index)
            exchanges.append(WireExchange(connection: connection, session: sessionOf[connection], request: request, reply: reply))
        default:
            break
        }
    }
    return (exchanges, pending.values.flatMap { $0 })
}
