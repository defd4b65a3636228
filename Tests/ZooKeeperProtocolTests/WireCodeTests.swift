import Testing
import ZooKeeperProtocol

@Suite struct WireCodeTests {
    @Test func opCodesOf39HaveJavaNames() {
        #expect(OpCode.multiRead.rawValue == 22 && OpCode.multiRead.name == "multiRead")
        #expect(OpCode.addWatch.rawValue == 106 && OpCode.whoAmI.rawValue == 107)
        #expect(OpCode.closeSession.rawValue == -11 && OpCode.closeSession.description == "closeSession")
        #expect(OpCode(name: "getChildren2") == .getChildren2)
        #expect(OpCode.known.count == 33)
        #expect(Set(OpCode.known.map(\.0)).count == OpCode.known.count)
    }

    @Test func unknownValuesSurvive() {
        let op = OpCode(9999)
        #expect(op.name == nil && op.description == "unknown(9999)" && op.rawValue == 9999)
        let err = ErrorCode(-999)
        #expect(err.name == nil && err.message == "Unknown error -999")
        #expect(CreateMode(rawValue: 42).description == "unknown(42)")
    }

    @Test func errorCodesAndJavaMessages() {
        #expect(ErrorCode.noNode.rawValue == -101 && ErrorCode.noNode.name == "NoNode")
        #expect(ErrorCode.notEmpty.message == "Directory not empty")
        #expect(ErrorCode.throttledOp.rawValue == -127)
        #expect(ErrorCode(name: "SessionExpired") == .sessionExpired)
        #expect(ErrorCode.known.count == 32)
        #expect(Set(ErrorCode.known.map(\.code)).count == ErrorCode.known.count)
    }

    @Test func permsPrintLikeZkCli() {
        #expect(Perms.all.description == "cdrwa")
        #expect(Perms([.read, .admin]).description == "ra")
        #expect(Perms.all.rawValue == 31)
    }

    @Test func fourLetterWords() {
        #expect(FourLetterWord("ruok")!.rawValue == 0x72756f6b)
        #expect(FourLetterWord("ruok")!.isKnown)
        #expect(!FourLetterWord("abcd")!.isKnown)
        #expect(FourLetterWord.telnetClose.isKnown)
        #expect(FourLetterWord(rawValue: 0x6d6e7472).word == "mntr")
    }
}
