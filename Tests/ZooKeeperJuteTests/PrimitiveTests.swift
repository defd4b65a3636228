import NIOCore
import Testing
import ZooKeeperJute

@Suite struct PrimitiveTests {
    @Test func integersAreBigEndian() throws {
        var buffer = ByteBuffer()
        buffer.writeJuteInt(0x0102_0304)
        buffer.writeJuteLong(-2)
        #expect(Array(buffer.readableBytesView) == [1, 2, 3, 4, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe])
        #expect(try buffer.readJuteInt() == 0x0102_0304)
        #expect(try buffer.readJuteLong() == -2)
    }

    @Test func booleanIsOneByteAndAnyNonZeroIsTrue() throws {
        var buffer = ByteBuffer(bytes: [0, 1, 7])
        #expect(try buffer.readJuteBool() == false)
        #expect(try buffer.readJuteBool() == true)
        #expect(try buffer.readJuteBool() == true)  // Java's DataInput.readBoolean
        var out = ByteBuffer()
        out.writeJuteBool(true)
        out.writeJuteBool(false)
        #expect(Array(out.readableBytesView) == [1, 0])
    }

    @Test func minusOneLengthIsNullAndZeroIsEmpty() throws {
        var buffer = ByteBuffer(bytes: [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])
        #expect(try buffer.readJuteBuffer() == nil)
        #expect(try buffer.readJuteBuffer() == ByteBuffer())
        #expect(try buffer.readJuteUString() == nil)
        #expect(try buffer.readJuteUString() == "")

        var out = ByteBuffer()
        out.writeJuteBuffer(nil)
        out.writeJuteUString("")
        out.writeJuteVector(nil as [Int32]?) { $0.writeJuteInt($1) }
        #expect(Array(out.readableBytesView) == [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff])
    }

    @Test func stringIsUTF8WithByteLength() throws {
        var out = ByteBuffer()
        out.writeJuteUString("/é")
        #expect(Array(out.readableBytesView) == [0, 0, 0, 3, 0x2f, 0xc3, 0xa9])
        #expect(try out.readJuteUString() == "/é")
    }

    @Test func bufferIsASliceNotACopy() throws {
        var buffer = ByteBuffer(bytes: [0, 0, 0, 2, 9, 8, 7])
        let slice = try buffer.readJuteBuffer()
        #expect(slice == ByteBuffer(bytes: [9, 8]))
        #expect(buffer.readableBytes == 1)
    }

    @Test func vectorRoundTrips() throws {
        var out = ByteBuffer()
        out.writeJuteVector(["a", "bc"]) { $0.writeJuteUString($1) }
        #expect(Array(out.readableBytesView) == [0, 0, 0, 2, 0, 0, 0, 1, 0x61, 0, 0, 0, 2, 0x62, 0x63])
        let back = try out.readJuteVector(minimumElementSize: 4) { (b: inout ByteBuffer) throws(JuteError) in
            try b.readJuteUString() ?? ""
        }
        #expect(back == ["a", "bc"])
    }

    @Test func shortInputIsTruncated() {
        for bytes: [UInt8] in [[], [0], [0, 0, 0]] {
            var buffer = ByteBuffer(bytes: bytes)
            #expect(throws: JuteError.self) { try buffer.readJuteInt() }
            #expect((try? buffer.readJuteInt()) == nil)
        }
        var buffer = ByteBuffer(bytes: [0, 0, 0, 5, 1, 2])
        do {
            _ = try buffer.readJuteBuffer()
            Issue.record("expected truncated")
        } catch {
            #expect(error.kind == .truncated)
        }
    }

    @Test func negativeLengthOtherThanMinusOneIsRejected() {
        var buffer = ByteBuffer(bytes: [0xff, 0xff, 0xff, 0xfe, 0, 0])
        #expect(throws: JuteError(.negativeLength, field: "buffer", detail: "length -2")) {
            try buffer.readJuteBuffer()
        }
        var vector = ByteBuffer(bytes: [0x80, 0, 0, 0])
        do {
            _ = try vector.readJuteVector(minimumElementSize: 4) { (b: inout ByteBuffer) throws(JuteError) in try b.readJuteInt() }
            Issue.record("expected negative length")
        } catch {
            #expect(error.kind == .negativeLength)
        }
    }

    @Test func lengthOverTheLimitIsRejectedBeforeReading() {
        // Claims 2 MB + 1 with only 4 bytes present: the limit check comes first.
        let limits = JuteLimits(maxBuffer: 1024, extraMaxBuffer: 1024)
        #expect(limits.maxLength == 2048)
        var buffer = ByteBuffer(bytes: [0, 0, 0x08, 0x01, 1, 2, 3, 4])
        do {
            _ = try buffer.readJuteUString(limits: limits)
            Issue.record("expected over limit")
        } catch {
            #expect(error.kind == .lengthExceedsLimit)
        }
    }

    @Test func extraMaxBufferIsNeverBelow1024AndDefaultsToMaxBuffer() {
        #expect(JuteLimits(maxBuffer: 10).maxLength == 10 + 1024)
        #expect(JuteLimits().maxLength == 0xfffff * 2)
    }

    @Test func vectorCountOverTheLimitIsRefusedAndOneOverTheBytesIsTruncated() {
        // A count of 2^31-1 longs: refused without reserving storage.
        var buffer = ByteBuffer(bytes: [0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 1])
        do {
            _ = try buffer.readJuteVector(minimumElementSize: 8) { (b: inout ByteBuffer) throws(JuteError) in try b.readJuteLong() }
            Issue.record("expected over limit")
        } catch {
            #expect(error.kind == .lengthExceedsLimit)
        }
        // Three longs claimed, one present: more bytes may still come.
        var short = ByteBuffer(bytes: [0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1])
        do {
            _ = try short.readJuteVector(minimumElementSize: 8) { (b: inout ByteBuffer) throws(JuteError) in try b.readJuteLong() }
            Issue.record("expected truncated")
        } catch {
            #expect(error.kind == .truncated)
        }
    }
}
