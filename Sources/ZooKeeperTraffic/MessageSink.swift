/// Where decoded messages go: an array (whole-file decoding) or straight to a caller's closure
/// (streaming), so streaming neither collects nor copies them. Generic, so it costs no dispatch.
protocol MessageSink {
    mutating func put(_ message: consuming DecodedMessage)
}

extension Array: MessageSink where Element == DecodedMessage {
    mutating func put(_ message: consuming DecodedMessage) {
        self.append(message)
    }
}

/// Hands each message to a closure as soon as it is decoded.
struct ClosureSink: MessageSink {
    let emit: (DecodedMessage) -> Void

    func put(_ message: consuming DecodedMessage) {
        self.emit(message)
    }
}
