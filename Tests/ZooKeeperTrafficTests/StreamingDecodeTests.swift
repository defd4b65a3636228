import NIOCore
import Testing
import ZooKeeperPCAP
import ZooKeeperTestSupport
import ZooKeeperTraffic

@Suite struct StreamingDecodeTests {
    /// Streaming emits exactly the messages the whole-file decode collects, in the same order.
    @Test(arguments: Captures.names)
    func streamingMatchesWholeFile(capture: String) throws {
        let bytes = try Captures.bytes(capture)
        let whole = try CaptureDecoder().decode(captureFile: bytes)
        var streamed: [DecodedMessage] = []
        var progress: [Double] = []
        let statistics = try CaptureDecoder().decode(captureFile: bytes, progress: { progress.append($0) }) { streamed.append($0) }
        #expect(streamed.count == whole.messages.count)
        for (a, b) in zip(streamed, whole.messages) {
            #expect(a.wireBytes == b.wireBytes)
            #expect(a.streamOffset == b.streamOffset)
            #expect(a.time == b.time)
            #expect(a.stream == b.stream)
            #expect(a.proto == b.proto)
            #expect(a.content == b.content)
        }
        #expect(statistics.packetCount == whole.streams.packetCount && statistics.gapCount == whole.streams.gapCount)
        #expect(statistics.readError == whole.streams.readError && statistics.latePacketCount == 0)
        #expect(progress.last == 1 && progress == progress.sorted())
    }
}
