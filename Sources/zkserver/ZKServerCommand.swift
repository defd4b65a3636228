import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import ZooKeeperServer
import ZooKeeperServerConfig

@main
struct ZKServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zkserver",
        abstract: "A ZooKeeper server: run on a zoo.cfg as Java's QuorumPeerMain does.",
        discussion: """
            With no argument, runs a standalone server on port 2181 with its data under ./zookeeper-data.
            -Dzookeeper.X=Y flags in SERVER_JVMFLAGS or JVMFLAGS are read as Java reads them.
            """
    )

    @Argument(help: "The zoo.cfg to run on.")
    var config: String?

    @Option(name: .customLong("check-datadir"), help: "Verify the snapshots and txn logs of a dataDir (the directory holding version-2) without starting.")
    var checkDataDir: String?

    func run() async throws {
        if let checkDataDir {
            try check(dataDir: checkDataDir)
            return
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let logger = Logger(label: "zkserver")
        let configuration: ServerConfiguration
        do {
            configuration = try loadConfiguration(logger: logger)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("zkserver: invalid configuration: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if configuration.isDistributed {
            logger.warning("the configuration names an ensemble; this server runs standalone only")
        }
        if configuration.settings.dataDirAutocreate {
            // Java creates dataDir/version-2 (and the log dir) when they are missing.
            for directory in Set([configuration.dataDir, configuration.dataLogDir]) {
                try? FileManager.default.createDirectory(atPath: directory + "/version-2", withIntermediateDirectories: true)
            }
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let server: ZooKeeperServer
        do {
            server = try ZooKeeperServer(configuration: configuration, group: group, logger: logger)
        } catch let error as SecurityConfigurationError {
            logger.critical("cannot start: \(error)")
            try? await group.shutdownGracefully()
            throw ExitCode(1)
        } catch {
            logger.critical("cannot load the database: \(error)")
            try? await group.shutdownGracefully()
            throw ExitCode(1)
        }
        let services = ServiceGroup(
            configuration: .init(services: [ServerService(server: server)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        do {
            try await services.run()
        } catch {
            logger.error("server failed: \(error)")
            try? await group.shutdownGracefully()
            throw ExitCode(1)
        }
        try? await group.shutdownGracefully()
    }

    /// Reads every snapshot and log the way recovery does, without cutting
    /// anything: exit 0 when recovery would succeed, 1 otherwise.
    private func check(dataDir: String) throws {
        let report = DataDirectory(dataDir: dataDir, dataLogDir: dataDir).verify()
        for line in report.lines { print(line) }
        if !report.ok { throw ExitCode(1) }
    }

    private func loadConfiguration(logger: Logger) throws -> ServerConfiguration {
        let environment = ProcessInfo.processInfo.environment
        guard let config else { return ServerConfiguration.embeddedDefault }
        guard let text = try? String(contentsOfFile: config, encoding: .utf8) else {
            throw ConfigurationError(kind: .missing, key: nil, line: nil, message: "\(config) file is missing")
        }
        var parsed = try ServerConfiguration.parse(config: text, environment: environment)
        let myidPath = parsed.configuration.dataDir + "/myid"
        let myid = try? String(contentsOfFile: myidPath, encoding: .utf8)
        let dynamicPath = parsed.configuration.dynamicConfigFile
        let dynamic = dynamicPath.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }
        if myid != nil || dynamic != nil {
            parsed = try ServerConfiguration.parse(config: text, myid: myid, dynamicConfig: dynamic, environment: environment)
        }
        for warning in parsed.warnings { logger.warning("\(warning)") }
        return parsed.configuration
    }
}

/// Runs the server until SIGTERM or SIGINT, then closes its connections.
struct ServerService: Service {
    let server: ZooKeeperServer

    func run() async throws {
        try await server.start()
        try? await gracefulShutdown()
        await server.shutdown()
    }
}
