import ZooKeeperClient
import ZooKeeperClientCore
import ZooKeeperProtocol

/// zkCli's ACL text, as Java's AclParser reads it: `scheme:id:perms`
/// entries separated by commas (the id runs from the first colon to the
/// last), perms from the letters c d r w a. Malformed entries and unknown
/// letters are reported and skipped rather than refused.
public struct ACLText: Sendable {
    public var acl: [ACL] = []
    /// What Java prints to stderr while parsing.
    public var warnings: [String] = []

    public init(parsing text: String) {
        for entry in Self.javaSplit(text) {
            guard let first = entry.firstIndex(of: ":"), let last = entry.lastIndex(of: ":"), first != last else {
                warnings.append("\(entry) does not have the form scheme:id:perm")
                continue
            }
            let id = Id(scheme: String(entry[..<first]), id: String(entry[entry.index(after: first)..<last]))
            acl.append(ACL(perms: perms(String(entry[entry.index(after: last)...])), id: id))
        }
    }

    private mutating func perms(_ letters: String) -> Int32 {
        var perms: Perms = []
        for letter in letters {
            switch letter {
            case "r": perms.insert(.read)
            case "w": perms.insert(.write)
            case "c": perms.insert(.create)
            case "d": perms.insert(.delete)
            case "a": perms.insert(.admin)
            default: warnings.append("Unknown perm type: \(letter)")
            }
        }
        return perms.rawValue
    }

    /// String.split(","): trailing empty pieces go, but a text without a
    /// comma is one piece even when empty.
    private static func javaSplit(_ text: String) -> [Substring] {
        var pieces = text.split(separator: ",", omittingEmptySubsequences: false)
        guard pieces.count > 1 else { return pieces }
        while pieces.last?.isEmpty == true { pieces.removeLast() }
        return pieces
    }
}

/// setAcl, after Java 3.8's SetAclCommand.
extension CommandRunner {
    static let setAclUsage = "setAcl [-s] [-v version] [-R] path acl"

    func setAcl(_ args: inout Arguments, _ output: inout CommandOutput) async throws {
        let stat = args.flag("s"), recursive = args.flag("R")
        let versionText = try args.option("v")
        try args.rejectOptions()
        guard let path = args.next(), let text = args.next() else { throw UsageError(text: Self.setAclUsage) }
        let parsed = ACLText(parsing: text)
        for warning in parsed.warnings { output.err += warning + "\n" }
        let version = try versionText.map { try Self.int32($0) } ?? -1
        try Self.validate(path)
        guard recursive else {
            let st = try await client.setACL(path, acl: parsed.acl, version: version)
            if stat { output.out += Self.format(st) }
            return
        }
        // ZKUtil.visitSubTreeDFS: the node must be readable, then each
        // level's children are visited before their own children; a node
        // that refuses the new ACL is reported (with no line break) and the
        // walk goes on.
        _ = try await client.getData(path)
        var pending = [path]
        func apply(_ node: String) async {
            do {
                try await client.setACL(node, acl: parsed.acl, version: version)
            } catch {
                output.out += "\(error)"
            }
        }
        await apply(path)
        while !pending.isEmpty {
            let node = pending.removeFirst()
            let children: [String]
            do {
                children = try await client.getChildren(node).sorted()
            } catch let error as ZooKeeperError where error.code == .noNode {
                continue
            }
            let paths = children.map { node == "/" ? "/\($0)" : "\(node)/\($0)" }
            for child in paths { await apply(child) }
            pending.insert(contentsOf: paths, at: 0)
        }
    }

    /// PathUtils.validatePath's messages.
    static func validate(_ path: String) throws {
        if let message = ZNodePath.message(path) { throw UsageError(text: message) }
    }
}
