import NIOCore
import Testing
import ZooKeeperDump
import ZooKeeperPCAP
import ZooKeeperTestSupport

/// Truncated, corrupt and non-ZooKeeper captures: a status and lines, never a crash.
@Suite struct BadCaptureTests {
    private func run(_ bytes: ByteBuffer) -> (lines: [String], status: DumpExitStatus, warnings: [String]) {
        var lines: [String] = [], warnings: [String] = []
        let status = TrafficDump.decode(
            fileName: "bad", bytes: bytes, options: TrafficDump.Options(),
            emit: { lines.append($0) }, warn: { warnings.append($0) })
        return (lines, status, warnings)
    }

    @Test func aTruncatedCaptureDecodesWhatItHasAndSaysSo() throws {
        let whole = try Captures.bytes("standalone_basic")
        let (lines, status, warnings) = run(whole.getSlice(at: 0, length: whole.readableBytes / 2)!)
        #expect(status == .problems)
        #expect(lines.count > 20)
        #expect(!warnings.isEmpty)
    }

    @Test func bytesThatAreNoCaptureAreUnusable() {
        let (lines, status, warnings) = run(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: example\r\n\r\n"))
        #expect(status == .unusable && lines.isEmpty && warnings.count == 1)
    }

    @Test func trafficThatIsNotZooKeeperIsUndecoded() {
        let client = TCPEndpoint(address: .ipv4(10, 0, 0, 1), port: 40000)
        let server = TCPEndpoint(address: .ipv4(10, 0, 0, 2), port: 8080)
        let time = CaptureTimestamp(seconds: 1_700_000_000, nanoseconds: 0)
        let packets = [
            CaptureRewriting.Packet(time: time, segment: TCPSegment(source: client, destination: server, sequenceNumber: 1, flags: .syn)),
            CaptureRewriting.Packet(time: time, segment: TCPSegment(
                source: client, destination: server, sequenceNumber: 2, flags: [.ack, .psh],
                payload: ByteBuffer(string: "GET /index.html HTTP/1.1\r\nHost: example\r\n\r\n"))),
        ]
        let (lines, status, _) = run(CaptureRewriting.capture(packets, link: .ethernet, format: .pcap))
        #expect(status == .problems)
        #expect(lines.contains { $0.contains("undecoded") && $0.contains("unrecognised protocol") && $0.contains("offset=0") })
    }

    /// Deterministic byte flips all over a capture: whatever comes out, nothing traps.
    @Test func corruptedCapturesNeverCrash() throws {
        let original = try Captures.bytes("ensemble_snap_sync")
        var generator = SplitMix64(seed: 42)
        for _ in 0..<40 {
            var bytes = original
            for _ in 0..<50 {
                let index = Int(generator.next() % UInt64(bytes.readableBytes))
                bytes.setInteger(UInt8(truncatingIfNeeded: generator.next()), at: index)
            }
            _ = run(bytes)
        }
    }
}

/// A small seeded generator, so a failing corruption can be replayed.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
