import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// `client.certReload=true` (Java 3.9's `zookeeper.client.certReload`): the
/// keystore and truststore files are watched, and new connections use what
/// they hold after a change. A file that no longer loads is logged and the
/// previous key material kept.
final class CertificateReload: Sendable {
    let current: NIOLockedValueBox<ClientTLS>
    private let properties: [String: String]
    private let logger: Logger
    private let stamps: NIOLockedValueBox<[String: FileStamp]>

    struct FileStamp: Equatable {
        var modified: Date?
        var size: Int?
    }

    init(initial: ClientTLS, properties: [String: String], logger: Logger) {
        current = NIOLockedValueBox(initial)
        self.properties = properties
        self.logger = logger
        stamps = NIOLockedValueBox([:])
        stamps.withLockedValue { $0 = Self.stamps(of: self.files) }
    }

    static func isEnabled(_ properties: [String: String]) -> Bool {
        properties["zookeeper.client.certReload"]?.lowercased() == "true"
    }

    private var files: [String] {
        ["keyStore", "trustStore"].compactMap { properties[ClientTLS.prefix + "\($0).location"] }.filter { !$0.isEmpty }
    }

    private static func stamps(of files: [String]) -> [String: FileStamp] {
        var result: [String: FileStamp] = [:]
        for file in files {
            let attributes = try? FileManager.default.attributesOfItem(atPath: file)
            result[file] = FileStamp(
                modified: attributes?[.modificationDate] as? Date, size: (attributes?[.size] as? NSNumber)?.intValue
            )
        }
        return result
    }

    /// Looks at the files once; reloads when one changed.
    func check() {
        let now = Self.stamps(of: files)
        let changed = stamps.withLockedValue { old -> Bool in
            defer { old = now }
            return old != now
        }
        guard changed else { return }
        do {
            let reloaded = try ClientTLS.load(properties, logger: logger)
            current.withLockedValue { $0 = reloaded }
            logger.info("reloaded the TLS key material", metadata: ["files": "\(files.joined(separator: ","))"])
        } catch {
            logger.error("cannot reload the TLS key material, keeping the previous one: \(error)")
        }
    }

    /// Checks every second on `loop` until the task is cancelled.
    func schedule(on loop: any EventLoop) -> RepeatedTask {
        loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { [self] _ in check() }
    }
}
