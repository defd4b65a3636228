import NIOCore
import Testing
import ZooKeeperJute

/// A record defined here so the Jute module is tested without the protocol module.
private struct Pair: JuteRecord {
    static let juteName = "test.Pair"
    static let juteMinimumSize = 8
    var number: Int32
    var name: String?

    init(number: Int32, name: String?) {
        self.number = number
        self.name = name
    }

    init(juteFrom buffer: inout ByteBuffer, limits: JuteLimits) throws(JuteError) {
        number = try buffer.readJuteInt(field: "Pair.number")
        name = try buffer.readJuteUString(limits: limits, field: "Pair.name")
    }

    func writeJute(to buffer: inout ByteBuffer) {
        buffer.writeJuteInt(number)
        buffer.writeJuteUString(name)
    }
}

@Suite struct RecordTests {
    @Test func shortReadLeavesTheBufferUntouched() {
        let whole = Pair(number: 7, name: "zk").juteBytes
        for cut in 0..<whole.readableBytes {
            var prefix = whole.getSlice(at: whole.readerIndex, length: cut)!
            do {
                _ = try prefix.readJuteRecord(Pair.self)
                Issue.record("prefix of \(cut) bytes decoded")
            } catch {
                #expect(error.kind == .truncated)
                #expect(prefix.readerIndex == 0 && prefix.readableBytes == cut)
            }
        }
    }

    @Test func errorsNameTheField() {
        var bytes = ByteBuffer(bytes: [0, 0, 0, 1, 0, 0])
        do {
            _ = try bytes.readJuteRecord(Pair.self)
        } catch {
            #expect(error.field == "Pair.name")
        }
    }

    @Test func wholeBytesMustBeConsumed() {
        var bytes = Pair(number: 1, name: nil).juteBytes
        bytes.writeInteger(UInt8(0))
        #expect(throws: JuteError(.trailingBytes, field: "test.Pair", detail: "1 bytes after the record")) {
            try Pair(juteBytes: bytes)
        }
    }

    @Test func roundTrip() throws {
        let pair = Pair(number: -5, name: "/a/b")
        #expect(try Pair(juteBytes: pair.juteBytes) == pair)
        #expect(Array(pair.juteBytes.readableBytesView) == [0xff, 0xff, 0xff, 0xfb, 0, 0, 0, 4, 0x2f, 0x61, 0x2f, 0x62])
    }
}
