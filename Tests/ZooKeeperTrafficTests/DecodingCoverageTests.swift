import Foundation
import NIOCore
import Testing
import ZooKeeperTestSupport
import ZooKeeperPCAP
import ZooKeeperTraffic

@Suite struct DecodingCoverageTests {
    /// Complete captures: no missing segment, nothing skipped, no resynchronisation,
    /// nothing undecoded, and nothing malformed but the bytes sent on purpose to be bad.
    @Test(arguments: Captures.names)
    func everythingDecodes(capture: String) throws {
        let decoded = try Captures.decode(capture)
        #expect(decoded.streams.gapCount == 0 && decoded.streams.possiblyLostTCPPacketCount == 0)
        var undecoded: [DecodedMessage] = []
        for message in decoded.messages {
            switch message.content {
            case .gap, .resynchronised, .undecoded: Issue.record("\(capture): \(message.summary)")
            case .malformed: undecoded.append(message)
            default: break
            }
        }
        switch capture {
        case "bad_input":
            try checkBadInput(undecoded)
        case "fourletter":
            // "abcd" is not a command Java knows, so it reads it as a frame length and closes.
            #expect(undecoded.map { String(buffer: $0.wireBytes) } == ["abcd"])
        default:
            #expect(undecoded.isEmpty, "\(capture): \(undecoded.map(\.summary))")
        }
        #expect(decoded.messages.count > 10)
    }

    /// Each bad frame the recording client sent is reported undecoded, byte for
    /// byte; the frames Java accepted (it answered with a ConnectResponse) decode.
    private func checkBadInput(_ undecoded: [DecodedMessage]) throws {
        let raw = try Captures.transcript("bad_input").filter { $0["op"] as? String == "raw" && $0["sent_hex"] != nil }
        let refused = raw.filter { ($0["reply_len"] as? NSNumber)?.intValue != 41 }
        let sent = Set(refused.compactMap { $0["sent_hex"] as? String })
        #expect(undecoded.count == refused.count, "\(undecoded.map(\.summary))")
        for message in undecoded {
            let hex = message.wireBytes.readableBytesView.map { String(format: "%02x", $0) }.joined()
            // The transcript keeps the first 64 bytes of what was sent.
            #expect(sent.contains { $0 == hex || ($0.count == 128 && hex.hasPrefix($0)) },
                    "undecoded bytes not sent as bad input: \(hex)")
        }
    }
}
