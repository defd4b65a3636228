import NIOCore
import Testing
import ZooKeeperProtocol
@testable import ZooKeeperServer
import ZooKeeperStorageFormat

@Suite struct TxnLogEncodingTests {
    @Test func inPlaceRecordsMatchTheFormatWriter() throws {
        let entries = [
            TxnEntry(
                header: TxnHeader(clientId: 0x1000_0000_0000_0001, cxid: 7, zxid: 42, time: 1_700_000_000_000, type: OpCode.setData.rawValue),
                body: .setData(SetDataTxn(path: "/a", data: ByteBuffer(string: "value"), version: 3))
            ),
            TxnEntry(
                header: TxnHeader(clientId: 1, cxid: 8, zxid: 43, time: 1_700_000_000_001, type: OpCode.error.rawValue),
                body: .error(ErrorTxn(err: -101))
            ),
        ]
        var inPlace = ByteBuffer(), reference = ByteBuffer()
        for entry in entries {
            TxnLog.encode(entry, into: &inPlace)
            TxnLogWriter.writeRecord(entry, to: &reference)
        }
        #expect(inPlace == reference)
        var file = ByteBuffer()
        TxnLogWriter.writeHeader(dbid: 0, to: &file)
        file.writeImmutableBuffer(inPlace)
        var reader = try TxnLogReader(file)
        #expect(try reader.readAll().map(\.entry) == entries)
    }
}
