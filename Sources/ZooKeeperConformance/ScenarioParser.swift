import NIOCore
import ZooKeeperProtocol

/// A scenario line that could not be read.
public struct ScenarioError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}

/// Reads the scenario format described in Conformance/README.md.
public enum ScenarioParser {
    /// Longest `sleep` / `quiet` / `waitclose` a scenario may ask for.
    public static let maxSleepMilliseconds = 30_000

    public static func parse(_ text: String, name: String) throws(ScenarioError) -> Scenario {
        var scenario = Scenario(name: name)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var index = 0
        while index < lines.count {
            let lineNumber = index + 1
            let tokens: [Token]
            do { tokens = try tokenize(lines[index]) } catch { throw ScenarioError(file: name, line: lineNumber, message: error.message) }
            index += 1
            guard let first = tokens.first else { continue }
            func fail(_ message: String) -> ScenarioError { ScenarioError(file: name, line: lineNumber, message: message) }
            switch first.text {
            case "cleanup":
                guard tokens.count >= 2 else { throw fail("cleanup needs a path") }
                for token in tokens.dropFirst() {
                    guard token.text.hasPrefix("/"), token.text.count > 1 else { throw fail("cleanup path must be absolute and not /: \(token.text)") }
                    scenario.cleanup.append(token.text)
                }
            case "sleep":
                guard tokens.count == 2 else { throw fail("usage: sleep MILLISECONDS") }
                let ms = try milliseconds(tokens[1].text, fail)
                scenario.steps.append(Step(line: lineNumber, connection: "", action: .sleep(milliseconds: ms), source: source(lines[lineNumber - 1])))
            default:
                guard isConnectionName(first.text) else { throw fail("expected a connection name (c1, watcher, ...), cleanup or sleep: \(first.text)") }
                guard tokens.count >= 2 else { throw fail("\(first.text): missing verb") }
                var block: [(line: Int, tokens: [Token])] = []
                if tokens[1].text == "multi" || tokens[1].text == "multiRead" {
                    // Sub-operations on the following lines, up to `end`.
                    var closed = false
                    while index < lines.count {
                        let subLine = index + 1
                        let sub: [Token]
                        do { sub = try tokenize(lines[index]) } catch { throw ScenarioError(file: name, line: subLine, message: error.message) }
                        index += 1
                        if sub.isEmpty { continue }
                        if sub.count == 1 && sub[0].text == "end" { closed = true; break }
                        block.append((subLine, sub))
                    }
                    guard closed else { throw fail("\(tokens[1].text) block without end") }
                }
                let action = try parseAction(Array(tokens.dropFirst()), block: block, file: name, line: lineNumber)
                var text = source(lines[lineNumber - 1])
                if !block.isEmpty { text += " (\(block.count) ops)" }
                scenario.steps.append(Step(line: lineNumber, connection: first.text, action: action, source: text))
            }
        }
        return scenario
    }

    /// The line without its comment and surrounding blanks, for transcripts.
    static func source(_ line: String) -> String {
        var inQuotes = false
        var escaped = false
        var previousBlank = true
        var end = line.endIndex
        for i in line.indices {
            let c = line[i]
            if inQuotes {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inQuotes = false }
            } else if c == "\"" {
                inQuotes = true
            } else if c == "#" && previousBlank {
                end = i
                break
            }
            previousBlank = c == " " || c == "\t"
        }
        return line[..<end].trimmingCharacters(in: " \t\r")
    }

    static func isConnectionName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
            && !["cleanup", "sleep", "end"].contains(text)
    }

    private static func milliseconds(_ text: String, _ fail: (String) -> ScenarioError) throws(ScenarioError) -> Int {
        guard let ms = Int(text), ms >= 0, ms <= maxSleepMilliseconds else {
            throw fail("milliseconds must be 0...\(maxSleepMilliseconds): \(text)")
        }
        return ms
    }

    // MARK: - Steps

    static func parseAction(_ tokens: [Token], block: [(line: Int, tokens: [Token])], file: String, line: Int) throws(ScenarioError) -> Action {
        func fail(_ message: String) -> ScenarioError { ScenarioError(file: file, line: line, message: message) }
        let verb = tokens[0].text
        var args = Arguments(tokens: Array(tokens.dropFirst()))
        let action: Action
        switch verb {
        case "connect":
            var handshake = Handshake()
            if let v = args.option("timeout") { handshake.timeout = try int32(v, "timeout", fail) }
            if let v = args.option("protocol") { handshake.protocolVersion = try int32(v, "protocol", fail) }
            if let v = args.option("resume") {
                guard isConnectionName(v.text) else { throw fail("resume= takes a connection name") }
                handshake.resume = v.text
                handshake.password = .same
            }
            if let v = args.option("session") { handshake.sessionId = try int64(v, "session", fail) }
            if let v = args.option("passwd") {
                switch v.text {
                case "same": handshake.password = .same
                case "wrong": handshake.password = .wrong
                case "zero": handshake.password = .zero
                default:
                    guard let bytes = hexBytes(v.text.dropPrefix("hex:")) else { throw fail("passwd= takes same, wrong, zero or hex:...") }
                    handshake.password = .bytes(bytes)
                }
            }
            if let v = args.option("lastZxid") { handshake.lastZxidSeen = try zxid(v, fail) }
            if let v = args.option("readOnly") { handshake.readOnly = try bool(v, "readOnly", fail) }
            if let v = args.option("readOnlyByte") { handshake.readOnlyByte = try bool(v, "readOnlyByte", fail) }
            action = .connect(handshake)
        case "open":
            action = .open
        case "raw":
            var bytes: [UInt8] = []
            for token in args.positional {
                guard let chunk = hexBytes(token.text) else { throw fail("raw takes hex bytes: \(token.text)") }
                bytes += chunk
            }
            args.positional = []
            guard !bytes.isEmpty else { throw fail("raw needs bytes") }
            action = .raw(bytes)
        case "4lw":
            guard let word = args.takePositional(), word.text.utf8.count == 4 else { throw fail("4lw takes a four-byte word") }
            action = .fourLetterWord(word.text)
        case "wait":
            guard let n = args.takePositional(), let count = Int(n.text), count > 0, count <= 1000 else { throw fail("usage: wait COUNT") }
            action = .wait(count: count)
        case "waitclose":
            if let t = args.takePositional() { action = .waitClose(milliseconds: try milliseconds(t.text, fail)) } else { action = .waitClose(milliseconds: nil) }
        case "quiet":
            guard let t = args.takePositional() else { throw fail("usage: quiet MILLISECONDS") }
            action = .quiet(milliseconds: try milliseconds(t.text, fail))
        case "disconnect":
            action = .disconnect
        default:
            var spec = try parseRequest(verb: verb, args: &args, fail)
            if let v = args.option("xid") { spec.xid = try int32(v, "xid", fail) }
            if let v = args.option("nowait") { spec.wait = !(try bool(v, "nowait", fail)) }
            if spec.op == .multi || spec.op == .multiRead {
                var ops: [MultiRequest.Op] = []
                for (subLine, subTokens) in block {
                    func subFail(_ message: String) -> ScenarioError { ScenarioError(file: file, line: subLine, message: message) }
                    var subArgs = Arguments(tokens: Array(subTokens.dropFirst()))
                    let sub = try parseRequest(verb: subTokens[0].text, args: &subArgs, subFail)
                    try subArgs.finish(subFail)
                    ops.append(MultiRequest.Op(sub.op, sub.body))
                }
                spec.body = .multi(MultiRequest(ops: ops))
            }
            action = .request(spec)
        }
        try args.finish(fail)
        return action
    }

    /// A request verb: an op name (`create`, `getData`, ...) or `request op=N body=hex:...`.
    static func parseRequest(verb: String, args: inout Arguments, _ fail: (String) -> ScenarioError) throws(ScenarioError) -> RequestSpec {
        func path() throws(ScenarioError) -> String? {
            guard let token = args.takePositional() else { throw fail("\(verb) needs a path") }
            return token.text == "null" && !token.quoted ? nil : token.text
        }
        func data() throws(ScenarioError) -> ByteBuffer? {
            guard let v = args.option("data") else { return ByteBuffer() }
            return try bytes(v, fail)
        }
        func version() throws(ScenarioError) -> Int32 {
            guard let v = args.option("version") else { return -1 }
            return try int32(v, "version", fail)
        }
        func watch() throws(ScenarioError) -> Bool {
            guard let v = args.option("watch") else { return false }
            return try bool(v, "watch", fail)
        }
        func acl() throws(ScenarioError) -> [ACL]? {
            guard let v = args.option("acl") else { return [openACL] }
            return try parseACLList(v, fail)
        }
        func createFlags(default mode: CreateMode) throws(ScenarioError) -> Int32 {
            if let v = args.option("flags") { return try int32(v, "flags", fail) }
            guard let v = args.option("mode") else { return mode.rawValue }
            guard let m = createModes[v.text] else { throw fail("unknown create mode \(v.text); one of \(createModes.keys.sorted().joined(separator: ", "))") }
            return m.rawValue
        }
        func watcherType() throws(ScenarioError) -> Int32 {
            guard let v = args.option("type") else { throw fail("\(verb) needs type=data|children|any|persistent|persistentRecursive") }
            if let t = watcherTypes[v.text] { return t.rawValue }
            return try int32(v, "type", fail)
        }
        func list(_ key: String) -> [String]? {
            guard let v = args.option(key) else { return [] }
            if v.text == "null" && !v.quoted { return nil }
            return v.text.isEmpty ? [] : v.text.split(separator: ",").map(String.init)
        }
        func string(_ key: String) -> String? {
            guard let v = args.option(key) else { return nil }
            return v.text == "null" && !v.quoted ? nil : v.text
        }

        let op: OpCode
        let body: RequestBody
        var xid: Int32?
        var relativeZxid: ZxidSpec?
        switch verb {
        case "create", "create2", "createContainer":
            op = OpCode(name: verb)!
            let p = try path()
            body = .create(CreateRequest(path: p, data: try data(), acl: try acl(), flags: try createFlags(default: op == .createContainer ? .container : .persistent)))
        case "createTTL":
            op = .createTTL
            let p = try path()
            guard let t = args.option("ttl") else { throw fail("createTTL needs ttl=") }
            body = .createTTL(CreateTTLRequest(path: p, data: try data(), acl: try acl(), flags: try createFlags(default: .persistentWithTTL), ttl: try int64(t, "ttl", fail)))
        case "delete":
            op = .delete
            body = .delete(DeleteRequest(path: try path(), version: try version()))
        case "exists":
            op = .exists
            body = .exists(ExistsRequest(path: try path(), watch: try watch()))
        case "getData":
            op = .getData
            body = .getData(GetDataRequest(path: try path(), watch: try watch()))
        case "setData":
            op = .setData
            let p = try path()
            body = .setData(SetDataRequest(path: p, data: try data(), version: try version()))
        case "getACL":
            op = .getACL
            body = .getACL(GetACLRequest(path: try path()))
        case "setACL":
            op = .setACL
            let p = try path()
            body = .setACL(SetACLRequest(path: p, acl: try acl(), version: try version()))
        case "getChildren":
            op = .getChildren
            body = .getChildren(GetChildrenRequest(path: try path(), watch: try watch()))
        case "getChildren2":
            op = .getChildren2
            body = .getChildren2(GetChildren2Request(path: try path(), watch: try watch()))
        case "sync":
            op = .sync
            body = .sync(SyncRequest(path: try path()))
        case "check":
            op = .check
            body = .check(CheckVersionRequest(path: try path(), version: try version()))
        case "getAllChildrenNumber":
            op = .getAllChildrenNumber
            body = .getAllChildrenNumber(GetAllChildrenNumberRequest(path: try path()))
        case "getEphemerals":
            op = .getEphemerals
            body = .getEphemerals(GetEphemeralsRequest(prefixPath: try path()))
        case "checkWatches":
            op = .checkWatches
            let p = try path()
            body = .checkWatches(CheckWatchesRequest(path: p, type: try watcherType()))
        case "removeWatches":
            op = .removeWatches
            let p = try path()
            body = .removeWatches(RemoveWatchesRequest(path: p, type: try watcherType()))
        case "addWatch":
            op = .addWatch
            let p = try path()
            let mode: Int32
            if let v = args.option("mode") {
                switch v.text {
                case "persistent": mode = AddWatchMode.persistent.rawValue
                case "persistentRecursive": mode = AddWatchMode.persistentRecursive.rawValue
                default: mode = try int32(v, "mode", fail)
                }
            } else {
                mode = AddWatchMode.persistent.rawValue
            }
            body = .addWatch(AddWatchRequest(path: p, mode: mode))
        case "ping", "closeSession", "whoAmI":
            op = OpCode(name: verb)!
            body = .none
            if op == .ping { xid = Xid.ping }
        case "auth":
            op = .auth
            xid = Xid.auth
            guard let scheme = args.takePositional() else { throw fail("usage: auth SCHEME CREDENTIALS") }
            var credentials = ByteBuffer()
            if let c = args.takePositional() {
                guard let b = try bytes(c, fail) else { throw fail("auth credentials cannot be null") }
                credentials = b
            }
            body = .auth(AuthPacket(type: 0, scheme: scheme.text, auth: credentials))
        case "setWatches", "setWatches2":
            op = OpCode(name: verb)!
            xid = Xid.setWatches
            if let v = args.option("relZxid") { relativeZxid = try zxid(v, fail) } else { relativeZxid = .last }
            let d = list("dataWatches"), e = list("existWatches"), c = list("childWatches")
            if op == .setWatches {
                body = .setWatches(SetWatches(relativeZxid: 0, dataWatches: d, existWatches: e, childWatches: c))
            } else {
                body = .setWatches2(SetWatches2(
                    relativeZxid: 0, dataWatches: d, existWatches: e, childWatches: c,
                    persistentWatches: list("persistentWatches"), persistentRecursiveWatches: list("recursiveWatches")))
            }
        case "reconfig":
            op = .reconfig
            var configId: Int64 = -1
            if let v = args.option("configId") { configId = try int64(v, "configId", fail) }
            body = .reconfig(ReconfigRequest(joiningServers: string("joining"), leavingServers: string("leaving"), newMembers: string("members"), curConfigId: configId))
        case "multi", "multiRead":
            op = OpCode(name: verb)!
            body = .multi(MultiRequest(ops: []))
        case "request":
            guard let v = args.option("op") else { throw fail("request needs op=N") }
            op = OpCode(try int32(v, "op", fail))
            var raw = ByteBuffer()
            if let b = args.option("body") {
                guard let bytes = hexBytes(b.text.dropPrefix("hex:")) else { throw fail("body= takes hex:...") }
                raw.writeBytes(bytes)
            }
            body = .unknown(raw)
        default:
            throw fail("unknown verb \(verb)")
        }
        return RequestSpec(xid: xid, op: op, body: body, relativeZxid: relativeZxid)
    }

    // MARK: - Values

    static let openACL = ACL(perms: Perms.all.rawValue, id: Id(scheme: "world", id: "anyone"))

    static let createModes: [String: CreateMode] = [
        "persistent": .persistent, "ephemeral": .ephemeral,
        "persistentSequential": .persistentSequential, "ephemeralSequential": .ephemeralSequential,
        "container": .container, "persistentWithTTL": .persistentWithTTL,
        "persistentSequentialWithTTL": .persistentSequentialWithTTL,
    ]

    static let watcherTypes: [String: WatcherType] = [
        "children": .children, "data": .data, "any": .any,
        "persistent": .persistent, "persistentRecursive": .persistentRecursive,
    ]

    /// `scheme:id:perms` entries separated by commas; the id may contain colons
    /// (`digest:bob:HASH:r`); perms are letters from `cdrwa` or a number.
    /// `null` is a null list, an empty value an empty list.
    public static func parseACLList(_ token: Token, _ fail: (String) -> ScenarioError) throws(ScenarioError) -> [ACL]? {
        if token.text == "null" && !token.quoted { return nil }
        if token.text.isEmpty { return [] }
        var acls: [ACL] = []
        for entry in token.text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let firstColon = entry.firstIndex(of: ":"), let lastColon = entry.lastIndex(of: ":"), firstColon < lastColon else {
                throw fail("ACL entry must be scheme:id:perms: \(entry)")
            }
            let scheme = String(entry[..<firstColon])
            let id = String(entry[entry.index(after: firstColon)..<lastColon])
            let permsText = entry[entry.index(after: lastColon)...]
            guard let perms = parsePerms(permsText) else { throw fail("perms must be letters of cdrwa or a number: \(permsText)") }
            acls.append(ACL(perms: perms, id: Id(scheme: scheme, id: id)))
        }
        return acls
    }

    static func parsePerms(_ text: Substring) -> Int32? {
        if let n = Int32(text) { return n }
        var perms = Perms()
        for c in text {
            switch c {
            case "c": perms.insert(.create)
            case "d": perms.insert(.delete)
            case "r": perms.insert(.read)
            case "w": perms.insert(.write)
            case "a": perms.insert(.admin)
            default: return nil
            }
        }
        return perms.rawValue
    }

    /// `null`, `hex:0a0b`, or text (UTF-8).
    static func bytes(_ token: Token, _ fail: (String) -> ScenarioError) throws(ScenarioError) -> ByteBuffer? {
        if token.text == "null" && !token.quoted { return nil }
        if !token.quoted, token.text.hasPrefix("hex:") {
            guard let b = hexBytes(token.text.dropPrefix("hex:")) else { throw fail("bad hex: \(token.text)") }
            return ByteBuffer(bytes: b)
        }
        return ByteBuffer(string: token.text)
    }

    static func zxid(_ token: Token, _ fail: (String) -> ScenarioError) throws(ScenarioError) -> ZxidSpec {
        if token.text == "last" { return .last }
        if token.text.hasPrefix("last+"), let n = Int64(token.text.dropFirst(5)) { return .lastPlus(n) }
        return .absolute(try int64(token, "zxid", fail))
    }

    static func int32(_ token: Token, _ name: String, _ fail: (String) -> ScenarioError) throws(ScenarioError) -> Int32 {
        guard let v = parseInteger(token.text), let n = Int32(exactly: v) else { throw fail("\(name)= takes a 32-bit integer: \(token.text)") }
        return n
    }

    static func int64(_ token: Token, _ name: String, _ fail: (String) -> ScenarioError) throws(ScenarioError) -> Int64 {
        guard let v = parseInteger(token.text) else { throw fail("\(name)= takes an integer: \(token.text)") }
        return v
    }

    /// Decimal, or 0x-prefixed hex read as the 64-bit pattern.
    static func parseInteger(_ text: String) -> Int64? {
        if text.hasPrefix("0x"), let u = UInt64(text.dropFirst(2), radix: 16) { return Int64(bitPattern: u) }
        return Int64(text)
    }

    static func bool(_ token: Token, _ name: String, _ fail: (String) -> ScenarioError) throws(ScenarioError) -> Bool {
        switch token.text {
        case "true": return true
        case "false": return false
        default: throw fail("\(name)= takes true or false: \(token.text)")
        }
    }

    public static func hexBytes<S: StringProtocol>(_ text: S) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let hi = hexValue(digits[i]), let lo = hexValue(digits[i + 1]) else { return nil }
            bytes.append(hi << 4 | lo)
            i += 2
        }
        return bytes
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    // MARK: - Tokens

    /// A word of a line; `quoted` if any part of it was in double quotes.
    public struct Token: Hashable, Sendable {
        public var text: String
        public var quoted: Bool
        public init(_ text: String, quoted: Bool = false) {
            self.text = text
            self.quoted = quoted
        }
    }

    struct TokenError: Error { var message: String }

    /// Words separated by blanks; `"..."` quotes (with `\"`, `\\`, `\n`, `\t`);
    /// `#` outside quotes starts a comment.
    static func tokenize(_ line: String) throws(TokenError) -> [Token] {
        var tokens: [Token] = []
        var current = ""
        var inToken = false
        var quoted = false
        var inQuotes = false
        var chars = line.makeIterator()
        while let c = chars.next() {
            if inQuotes {
                switch c {
                case "\"": inQuotes = false
                case "\\":
                    guard let e = chars.next() else { throw TokenError(message: "backslash at end of line") }
                    switch e {
                    case "n": current.append("\n")
                    case "t": current.append("\t")
                    case "\"", "\\": current.append(e)
                    default: throw TokenError(message: "unknown escape \\\(e)")
                    }
                default: current.append(c)
                }
                continue
            }
            switch c {
            case " ", "\t", "\r":
                if inToken { tokens.append(Token(current, quoted: quoted)) }
                current = ""; inToken = false; quoted = false
            case "#" where !inToken:
                return tokens
            case "\"":
                inQuotes = true; inToken = true; quoted = true
            default:
                current.append(c); inToken = true
            }
        }
        if inQuotes { throw TokenError(message: "unterminated quote") }
        if inToken { tokens.append(Token(current, quoted: quoted)) }
        return tokens
    }

    /// The words after a verb: positional ones in order, `key=value` options by key.
    struct Arguments {
        var positional: [Token] = []
        var options: [String: Token] = [:]
        var duplicate: String?

        init(tokens: [Token]) {
            for token in tokens {
                if let eq = token.text.firstIndex(of: "="), eq != token.text.startIndex,
                   token.text[..<eq].allSatisfy({ $0.isLetter || $0.isNumber }) {
                    let key = String(token.text[..<eq])
                    if options[key] != nil { duplicate = key }
                    options[key] = Token(String(token.text[token.text.index(after: eq)...]), quoted: token.quoted)
                } else {
                    positional.append(token)
                }
            }
        }

        mutating func option(_ key: String) -> Token? { options.removeValue(forKey: key) }

        mutating func takePositional() -> Token? { positional.isEmpty ? nil : positional.removeFirst() }

        /// Anything not taken is a mistake in the scenario.
        func finish(_ fail: (String) -> ScenarioError) throws(ScenarioError) {
            if let duplicate { throw fail("option \(duplicate)= given twice") }
            if let extra = positional.first { throw fail("unexpected argument \(extra.text)") }
            if let key = options.keys.sorted().first { throw fail("unknown option \(key)=") }
        }
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var scalars = Substring(self)
        while let f = scalars.first, set.contains(f) { scalars.removeFirst() }
        while let l = scalars.last, set.contains(l) { scalars.removeLast() }
        return String(scalars)
    }
}

extension String {
    func dropPrefix(_ prefix: String) -> Substring {
        hasPrefix(prefix) ? dropFirst(prefix.count) : Substring(self)
    }
}
