import Foundation
import NIOCore
import Testing
import ZooKeeperJute
import ZooKeeperProtocol

@Suite struct RecordRoundTripTests {
    /// The schema lists every record of zookeeper.jute (3.9); each must be generated.
    @Test func everySchemaRecordIsImplemented() throws {
        let schema = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/ZooKeeperProtocol/Schema/records.schema")
        let names = try String(contentsOf: schema, encoding: .utf8)
            .split(separator: "\n")
            .map { $0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "" }
            .filter { $0.contains(":") }
            .map { String($0.split(separator: ":")[0]).trimmingCharacters(in: .whitespaces) }
        #expect(names.count == 72)  // every class of zookeeper.jute in 3.9.5
        #expect(allJuteRecordTypes.map { String(describing: $0) } == names)
        #expect(recordSamples.count == names.count)
        #expect(recordNullSamples.count == names.count)
    }

    @Test(arguments: recordSamples.indices)
    func sampleRoundTripsAndEveryPrefixIsTruncated(index: Int) throws {
        try checkRoundTrip(recordSamples[index])
        try checkRoundTrip(recordNullSamples[index])
    }

    private func checkRoundTrip<R: JuteRecord>(_ record: R) throws {
        let bytes = record.juteBytes
        #expect(bytes.readableBytes >= R.juteMinimumSize)
        let decoded = try R(juteBytes: bytes)
        #expect(decoded == record)
        #expect(decoded.juteBytes == bytes)
        for cut in 0..<bytes.readableBytes {
            var prefix = bytes.getSlice(at: 0, length: cut)!
            do {
                _ = try prefix.readJuteRecord(R.self)
                Issue.record("\(R.self): a \(cut)-byte prefix decoded")
            } catch {
                #expect(error.kind == .truncated, "\(R.self) prefix \(cut): \(error)")
                #expect(prefix.readerIndex == 0)
            }
        }
        var extra = bytes
        extra.writeInteger(UInt8(0))
        #expect(throws: JuteError.self) { try R(juteBytes: extra) }
    }
}
