import Foundation
import NIOCore
import ZooKeeperPCAP
import ZooKeeperTraffic

/// The captures recorded from Java ZooKeeper 3.8.0, and their transcripts.
public enum Captures {
    public static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("captures")

    public static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".pcap") }.map { String($0.dropLast(5)) }.sorted()
    }

    public static func bytes(_ name: String) throws -> ByteBuffer {
        ByteBuffer(bytes: try Data(contentsOf: directory.appendingPathComponent(name + ".pcap")))
    }

    public static func decode(_ name: String) throws -> CaptureDecoding {
        try CaptureDecoder().decode(captureFile: try bytes(name))
    }

    /// The transcript's lines as JSON objects.
    public static func transcript(_ name: String) throws -> [[String: Any]] {
        let url = directory.appendingPathComponent(name + ".transcript.jsonl")
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        return try String(contentsOf: url, encoding: .utf8)
            .split(separator: "\n")
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }
}
