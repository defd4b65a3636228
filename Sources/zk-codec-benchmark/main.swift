// Decodes and re-encodes every captured client-port frame in a loop and
// reports throughput and allocations per frame.
//
//   swift run -c release zk-codec-benchmark [captures-dir] [seconds]
import CMallocCounter
import Foundation
import NIOCore
import ZooKeeperPCAP
import ZooKeeperProtocol
import ZooKeeperTraffic

struct Conversation {
    /// Each message's bytes and whether the client sent it, in order.
    var messages: [(bytes: ByteBuffer, fromClient: Bool)] = []
}

let arguments = CommandLine.arguments
let directory = arguments.count > 1 ? arguments[1] : "captures"
let seconds = arguments.count > 2 ? Double(arguments[2]) ?? 3 : 3

var conversations: [Conversation] = []
var frameCount = 0
var byteCount = 0
let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".pcap") }.sorted()
for file in files {
    let data = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(file))
    let decoded = try CaptureDecoder().decode(captureFile: ByteBuffer(bytes: data))
    var byConnection: [ConnectionID: Conversation] = [:]
    var order: [ConnectionID] = []
    for message in decoded.messages where message.proto == .client {
        let fromClient: Bool
        switch message.content {
        case .client(.connect), .client(.request): fromClient = true
        case .server(.connect), .server(.reply), .server(.event): fromClient = false
        default: continue  // four-letter words and undecoded bytes are not frames
        }
        if byConnection[message.stream.connection] == nil { order.append(message.stream.connection) }
        byConnection[message.stream.connection, default: Conversation()].messages.append((message.wireBytes, fromClient))
        frameCount += 1
        byteCount += message.wireBytes.readableBytes
    }
    conversations += order.map { byConnection[$0]! }
}
guard frameCount > 0 else {
    print("no client frames found under \(directory)")
    exit(1)
}

/// One pass: decode every frame with a connection decoder and write it back.
@inline(never) @MainActor
func pass(_ output: inout ByteBuffer) throws -> Int {
    var written = 0
    for conversation in conversations {
        var decoder = ClientConnectionDecoder()
        for (bytes, fromClient) in conversation.messages {
            var input = bytes
            output.clear()
            if fromClient {
                try decoder.nextClientMessage(from: &input)!.write(to: &output)
            } else {
                try decoder.nextServerMessage(from: &input)!.write(to: &output)
            }
            written += output.readableBytes
        }
    }
    return written
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
let megabytes = Double(byteCount * passes) / 1e6
print("captures: \(files.count) files, \(conversations.count) client connections, \(frameCount) frames, \(byteCount) bytes")
print(String(format: "decode+encode: %.1f MB/s, %.0f frames/s, %.1f allocations/frame (%d passes in %.2f s)",
             megabytes / elapsed, Double(frameCount * passes) / elapsed, allocationsPerFrame, passes, elapsed))
