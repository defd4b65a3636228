import Testing
import ZooKeeperCLI
import ZooKeeperClient
import ZooKeeperProtocol

/// zkCli's text for every KeeperException code, as 3.8.0's
/// CliWrapperException and KeeperException.getMessage() build it.
@Suite struct ZKCliErrorTextTests {
    static let expected: [(ErrorCode, String)] = [
        (.systemError, "KeeperErrorCode = SystemError for /p"),
        (.runtimeInconsistency, "KeeperErrorCode = RuntimeInconsistency for /p"),
        (.dataInconsistency, "KeeperErrorCode = DataInconsistency for /p"),
        (.connectionLoss, "KeeperErrorCode = ConnectionLoss for /p"),
        (.marshallingError, "KeeperErrorCode = MarshallingError for /p"),
        (.unimplemented, "KeeperErrorCode = Unimplemented for /p"),
        (.operationTimeout, "KeeperErrorCode = OperationTimeout for /p"),
        (.badArguments, "Arguments are not valid : /p"),
        (.unknownSession, "KeeperErrorCode = Unknown error UNKNOWNSESSION for /p"),
        (.newConfigNoQuorum, "No quorum of new config is connected and up-to-date with the leader of last committed config - try invoking reconfiguration after new servers are connected and synced"),
        (.reconfigInProgress, "Another reconfiguration is in progress -- concurrent reconfigs not supported (yet)"),
        (.apiError, "KeeperErrorCode = APIError for /p"),
        (.noNode, "Node does not exist: /p"),
        (.noAuth, "Insufficient permission : /p"),
        (.badVersion, "version No is not valid : /p"),
        (.noChildrenForEphemerals, "Ephemerals cannot have children: /p"),
        (.nodeExists, "Node already exists: /p"),
        (.notEmpty, "Node not empty: /p"),
        (.sessionExpired, "KeeperErrorCode = Session expired for /p"),
        (.invalidCallback, "KeeperErrorCode = Invalid callback for /p"),
        (.invalidACL, "Acl is not valid : /p"),
        (.authFailed, "KeeperErrorCode = AuthFailed for /p"),
        (.sessionMoved, "KeeperErrorCode = Session moved for /p"),
        (.notReadOnly, "Not a read-only call: /p"),
        (.ephemeralOnLocalSession, "KeeperErrorCode = Ephemeral node on local session for /p"),
        (.noWatcher, "KeeperErrorCode = No such watcher for /p"),
        (.requestTimeout, "KeeperErrorCode = Unknown error REQUESTTIMEOUT for /p"),
        (.reconfigDisabled, "KeeperErrorCode = Reconfig is disabled for /p"),
        (.sessionClosedRequireSaslAuth, "KeeperErrorCode = Session closed because client failed to authenticate for /p"),
        (.quotaExceeded, "Quota has exceeded : /p"),
        (.throttledOp, "KeeperErrorCode = Op throttled due to high load for /p"),
    ]

    @Test(arguments: expected.indices)
    func everyCodePrintsJavasText(_ index: Int) {
        let (code, text) = Self.expected[index]
        #expect(CommandRunner.message(ZooKeeperError(code, path: "/p")) == text)
    }

    @Test func withoutAPathJavaPrintsNullOrNothing() {
        #expect(CommandRunner.message(ZooKeeperError(.noNode)) == "Node does not exist: null")
        #expect(CommandRunner.message(ZooKeeperError(.connectionLoss)) == "KeeperErrorCode = ConnectionLoss")
        // A failed reconfig names the path "" (ZooKeeperAdmin).
        #expect(CommandRunner.message(ZooKeeperError(.badVersion, path: "")) == "version No is not valid : ")
        #expect(CommandRunner.message(ZooKeeperError(.reconfigDisabled, path: "")) == "KeeperErrorCode = Reconfig is disabled")
    }

    /// Errors a server really returns, through the shell, print to stderr.
    @Test func serverErrorsReachStderr() async throws {
        try await withServer { server in
            let zk = try await ClientOperationTests.connect(server)
            let root = uniqueRoot("cli-errors")
            let runner = CommandRunner(client: zk)
            _ = await runner.run("create \(root)")
            _ = await runner.run("create -e \(root)/e")
            #expect(await runner.run("create \(root)/e/x").err == "Ephemerals cannot have children: \(root)/e/x\n")
            #expect(await runner.run("delete \(root)").err == "Node not empty: \(root)\n")
            #expect(await runner.run("removewatches \(root)").err == "KeeperErrorCode = No such watcher for \(root)\n")
            _ = await runner.run("deleteall \(root)")
            await zk.close()
        }
    }
}
