// Decodes and re-encodes every frame of the captures (client port, election
// and ZAB) in a loop and reports throughput and allocations per frame.
//
//   swift run -c release zk-codec-benchmark [captures-dir] [seconds]
import CMallocCounter
import Foundation
import NIOCore
import ZooKeeperPCAP
import ZooKeeperProtocol
import ZooKeeperQuorumProtocol
import ZooKeeperTraffic

/// One connection's messages in capture order: the bytes, the protocol and
/// whether the connecting side sent them.
struct Conversation {
    var proto: TrafficProtocol
    var messages: [(bytes: ByteBuffer, fromInitiator: Bool)] = []
}

let arguments = CommandLine.arguments
let directory = arguments.count > 1 ? arguments[1] : "captures"
let seconds = arguments.count > 2 ? Double(arguments[2]) ?? 3 : 3

var conversations: [Conversation] = []
var frames: [TrafficProtocol: Int] = [:]
var byteCount = 0
let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".pcap") }.sorted()
for file in files {
    let data = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(file))
    let decoded = try CaptureDecoder().decode(captureFile: ByteBuffer(bytes: data))
    var byConnection: [ConnectionID: Int] = [:]
    for message in decoded.messages {
        switch message.content {
        case .client(.connect), .client(.request), .server(.connect), .server(.reply), .server(.event), .election, .quorum:
            break
        default:
            continue  // four-letter words and undecoded bytes are not frames
        }
        let id = message.stream.connection
        if byConnection[id] == nil {
            byConnection[id] = conversations.count
            conversations.append(Conversation(proto: message.proto))
        }
        conversations[byConnection[id]!].messages.append((message.wireBytes, message.stream.direction == .clientToServer))
        frames[message.proto, default: 0] += 1
        byteCount += message.wireBytes.readableBytes
    }
}
let frameCount = frames.values.reduce(0, +)
guard frameCount > 0 else {
    print("no frames found under \(directory)")
    exit(1)
}

/// One pass: decode every message with fresh connection decoders and write it back.
@inline(never) @MainActor
func pass(_ output: inout ByteBuffer) throws -> Int {
    var written = 0
    for conversation in conversations {
        var client = ClientConnectionDecoder()
        var connector = ElectionStreamDecoder(direction: .fromConnector)
        var acceptor = ElectionStreamDecoder(direction: .fromAcceptor)
        var learner = ZabStreamDecoder()
        var leader = ZabStreamDecoder()
        for (bytes, fromInitiator) in conversation.messages {
            var input = bytes
            output.clear()
            switch (conversation.proto, fromInitiator) {
            case (.client, true): try client.nextClientMessage(from: &input)!.write(to: &output)
            case (.client, false): try client.nextServerMessage(from: &input)!.write(to: &output)
            case (.election, true): try connector.next(from: &input)!.write(to: &output)
            case (.election, false): try acceptor.next(from: &input)!.write(to: &output)
            case (.quorum, true): try learner.next(from: &input)!.write(to: &output)
            case (.quorum, false): try leader.next(from: &input)!.write(to: &output)
            }
            written += output.readableBytes
        }
    }
    return written
}

// The counter must see allocations at all, or "0 per frame" would mean nothing.
let probeStart = zk_malloc_counter_allocations()
for size in 1...100 { withExtendedLifetime([UInt8](repeating: 1, count: size * 64)) {} }
guard zk_malloc_counter_allocations() - probeStart >= 100 else {
    print("the allocation counter is not counting; refusing to report")
    exit(1)
}

var output = ByteBuffer()
output.reserveCapacity(4 << 20)
let firstPass = try pass(&output)
precondition(firstPass == byteCount, "re-encoding changed the byte count")

let allocationsBefore = zk_malloc_counter_allocations()
_ = try pass(&output)
let allocationsPerFrame = Double(zk_malloc_counter_allocations() - allocationsBefore) / Double(frameCount)

let start = DispatchTime.now().uptimeNanoseconds
var passes = 0
var elapsed = 0.0
while elapsed < seconds {
    _ = try pass(&output)
    passes += 1
    elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}
let counts = TrafficProtocol.allCases.map { "\($0.rawValue) \(frames[$0, default: 0])" }.joined(separator: ", ")
print("captures: \(files.count) files, \(conversations.count) connections, \(frameCount) messages (\(counts)), \(byteCount) bytes")
print(String(format: "decode+encode: %.1f MB/s, %.0f messages/s, %.2f allocations/message (%d passes in %.2f s)",
             Double(byteCount * passes) / 1e6 / elapsed, Double(frameCount * passes) / elapsed, allocationsPerFrame, passes, elapsed))
