import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

extension LoadSettings.Operation: ExpressibleByArgument {}

@main
struct ZKLoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zk-load",
        abstract: "Pipelined getData or setData load on a ZooKeeper server from one event loop thread.",
        discussion: """
            Opens --sessions sessions, creates --path with --size bytes (or sets them if it exists), \
            keeps --depth requests in flight on every session for --warmup then --seconds seconds, \
            and reports the replies per second and the latency of each request from send to reply. \
            Exits 1 if any reply carries an error or answers other than the oldest request. \
            With --tls (or any --tls-* option) every session runs over TLS, for a server's secureClientPort.
            """
    )

    @Option(help: "The server's client port, host:port.")
    var server = "127.0.0.1:2181"

    @Option(help: "Sessions, each on its own connection.")
    var sessions = 1

    @Option(help: "Requests in flight per session.")
    var depth = 64

    @Option(help: "Seconds measured after the warm-up.")
    var seconds = 10.0

    @Option(help: "Seconds of load before measuring.")
    var warmup = 2.0

    @Option(help: "The request: get (getData) or set (setData).")
    var op = LoadSettings.Operation.get

    @Option(help: "Bytes of data in the node.")
    var size = 100

    @Option(help: "The node to load (default /zk-load-SIZE).")
    var path: String?

    @Option(help: "Session timeout asked for, in milliseconds.")
    var sessionTimeout: Int32 = 30000

    @Option(help: "Seconds any step that waits on the server may take before the run fails.")
    var stepTimeout = 10.0

    @Option(help: "PID of the server process on this machine, to report its CPU use over the window.")
    var serverPid: Int32?

    @Flag(help: "Connect over TLS (implied by the --tls-* options).")
    var tls = false

    @Option(help: "PEM file of the CAs the server's certificate must chain to (default: the system's).")
    var tlsCa: String?

    @Option(help: "PEM certificate (chain) to present to the server.")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert (default: read from the --tls-cert file).")
    var tlsKey: String?

    @Option(help: "Server name for SNI and the certificate check (default: no host name check).")
    var tlsServerName: String?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        guard sessions >= 1, sessions <= 10_000 else { throw ValidationError("--sessions must be 1...10000") }
        guard depth >= 1, depth <= 1 << 16 else { throw ValidationError("--depth must be 1...65536") }
        guard seconds > 0 else { throw ValidationError("--seconds must be positive") }
        guard warmup >= 0 else { throw ValidationError("--warmup must not be negative") }
        guard stepTimeout > 0 else { throw ValidationError("--step-timeout must be positive") }
        guard size >= 0, size <= 1_000_000 else { throw ValidationError("--size must be 0...1000000") }
        guard (try? hostAndPort()) != nil else { throw ValidationError("--server must be host:port") }
        if let path, !path.hasPrefix("/") { throw ValidationError("--path must start with /") }
        if tlsKey != nil, tlsCert == nil { throw ValidationError("--tls-key needs --tls-cert") }
    }

    private func hostAndPort() throws -> (String, Int) {
        guard let colon = server.lastIndex(of: ":"), let port = Int(server[server.index(after: colon)...]),
              (1...65535).contains(port)
        else { throw ValidationError("--server must be host:port") }
        return (String(server[..<colon]), port)
    }

    private var tlsSettings: LoadTLS? {
        guard tls || tlsCa != nil || tlsCert != nil || tlsServerName != nil else { return nil }
        return LoadTLS(caFile: tlsCa, certificateFile: tlsCert, keyFile: tlsKey, serverName: tlsServerName)
    }

    func run() throws {
        let (host, port) = try hostAndPort()
        let settings = LoadSettings(
            host: host, port: port, sessions: sessions, depth: depth,
            seconds: seconds, warmupSeconds: warmup, operation: op, size: size,
            path: path ?? "/zk-load-\(size)", sessionTimeoutMilliseconds: sessionTimeout,
            serverPID: serverPid, stepTimeoutSeconds: stepTimeout, tls: tlsSettings
        )
        let tlsContext: NIOSSLContext?
        do {
            tlsContext = try settings.tls?.makeContext()
        } catch {
            FileHandle.standardError.write(Data("zk-load: cannot read the TLS key material: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()
        let result: LoadResult
        do {
            result = try loop.flatSubmit { LoadRun.start(settings: settings, tlsContext: tlsContext, on: loop) }.wait()
        } catch {
            FileHandle.standardError.write(Data("zk-load: FAILED: \(error)\n".utf8))
            throw ExitCode(1)
        }
        print(json ? result.json() : result.text())
        if result.failed {
            if json { FileHandle.standardError.write(Data("zk-load: FAILED: errors or xid mismatches\n".utf8)) }
            throw ExitCode(1)
        }
    }
}
