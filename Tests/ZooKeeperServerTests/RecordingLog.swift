import Logging
import NIOConcurrencyHelpers

/// A logger whose lines a test can read: "does the server say why it closed".
final class RecordingLog: Sendable {
    let lines = NIOLockedValueBox<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "test") { _ in Handler(log: self) }
        logger.logLevel = .info
        return logger
    }

    func contains(_ text: String) -> Bool {
        lines.withLockedValue { $0.contains { $0.contains(text) } }
    }

    /// Waits (at most `seconds`) for a line containing `text`.
    func waitFor(_ text: String, seconds: Double = 20) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if contains(text) { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return contains(text)
    }

    struct Handler: LogHandler {
        let log: RecordingLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            log.lines.withLockedValue { $0.append("\(event.level) \(event.message)") }
        }
    }
}
