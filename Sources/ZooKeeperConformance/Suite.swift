import Foundation

/// The scenario files of a directory and their expected transcripts.
public struct Suite: Sendable {
    public static let scenarioExtension = "scn"
    public static let expectedExtension = "expected"

    public var directory: String
    /// Scenario names, sorted.
    public var names: [String]

    public init(directory: String) throws {
        self.directory = directory
        names = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix("." + Self.scenarioExtension) }
            .map { String($0.dropLast(Self.scenarioExtension.count + 1)) }
            .sorted()
    }

    public func scenarioPath(_ name: String) -> String { directory + "/" + name + "." + Self.scenarioExtension }
    public func expectedPath(_ name: String) -> String { directory + "/" + name + "." + Self.expectedExtension }

    public func load(_ name: String) throws -> Scenario {
        let text = try String(contentsOfFile: scenarioPath(name), encoding: .utf8)
        return try ScenarioParser.parse(text, name: name)
    }

    /// nil when the scenario has no expected file yet.
    public func expected(_ name: String) throws -> [String]? {
        guard FileManager.default.fileExists(atPath: expectedPath(name)) else { return nil }
        return ExpectationFile.lines(of: try String(contentsOfFile: expectedPath(name), encoding: .utf8))
    }

    public func record(_ name: String, transcript: [String], recordedFrom: String) throws {
        let text = ExpectationFile.render(transcript, scenario: name, recordedFrom: recordedFrom)
        try text.write(toFile: expectedPath(name), atomically: true, encoding: .utf8)
    }
}
