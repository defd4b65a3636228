import NIOCore
import ZooKeeperJute
import ZooKeeperPCAP
import ZooKeeperTraffic

/// `zkdump decode` and `zkdump stats` as library calls, so tests run exactly
/// what the command runs.
public enum TrafficDump {
    public struct Options: Sendable {
        public var ports = TrafficPorts()
        public var limits = JuteLimits.default
        public var json = false
        public var colour = false
        public var secrets = false
        public var filter = TrafficFilter()
        public var prefixDepth = 1
        /// Called with the fraction of the file read, about every 1%.
        public var progress: (@Sendable (Double) -> Void)?

        public init() {}
    }

    /// Decodes one capture file and emits a line per record that passes the filter.
    /// `.problems` when something did not decode (undecoded bytes, gaps, an
    /// unreadable tail); `.unusable` when the bytes are not a capture at all.
    public static func decode(
        fileName: String,
        bytes: ByteBuffer,
        options: Options,
        emit: (String) -> Void,
        warn: (String) -> Void
    ) -> DumpExitStatus {
        var formatter = TimestampFormatter()
        return run(fileName: fileName, bytes: bytes, options: options, warn: warn) { record in
            emit(options.json ? record.json(&formatter).text : record.text(colour: options.colour, &formatter))
        }
    }

    /// Decodes one capture file into `stats`.
    public static func collect(
        fileName: String,
        bytes: ByteBuffer,
        options: Options,
        into stats: inout TrafficStats,
        warn: (String) -> Void
    ) -> DumpExitStatus {
        run(fileName: fileName, bytes: bytes, options: options, warn: warn) { stats.add($0) }
    }

    /// Decodes the file and hands on each record that passes the filter.
    /// `.problems` when something did not decode or the tail was unreadable;
    /// `.unusable` when the bytes are not a capture. Messages are decoded and
    /// handed on as the file is read, so memory stays bounded by the file itself.
    private static func run(
        fileName: String,
        bytes: ByteBuffer,
        options: Options,
        warn: (String) -> Void,
        _ each: (TrafficRecord) -> Void
    ) -> DumpExitStatus {
        var status = DumpExitStatus.ok
        var tracker = TrafficTracker(secrets: options.secrets)
        let statistics: CaptureStreamStatistics
        do {
            statistics = try CaptureDecoder(ports: options.ports, limits: options.limits).decode(
                captureFile: bytes, progress: options.progress
            ) { message in
                for record in tracker.records(for: message) {
                    if record.isUndecoded { status = .problems }
                    if options.filter.matches(record) { each(record) }
                }
            }
        } catch {
            warn("\(fileName): not a readable capture: \(error)")
            return .unusable
        }
        if statistics.latePacketCount > 0 {
            warn("\(fileName): \(statistics.latePacketCount) packets arrived too far out of time order to be placed")
        }
        if let error = statistics.readError {
            warn("\(fileName): \(error)")
            return .problems
        }
        return status
    }
}
