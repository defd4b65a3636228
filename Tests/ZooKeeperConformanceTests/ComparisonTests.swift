import Testing
@testable import ZooKeeperConformance

@Suite struct ComparisonTests {
    let expected = [
        "> c1 connect",
        "c1 connected proto=0 timeout=30000 session=S1 passwd=16B readOnly=false",
        "> c1 getData /a watch=true",
        "c1 reply xid=1 zxid=Z err=NoNode",
        "> c1 create /a",
        "c1 event xid=-1 zxid=-1 err=Ok type=NodeCreated state=SyncConnected path=/a",
        "c1 reply xid=2 zxid=Z+1 err=Ok create path=/a",
    ]

    @Test func equalTranscriptsPass() {
        #expect(Comparison.compare(expected: expected, got: expected) == nil)
    }

    @Test func eventAfterReplyFailsWithADiff() throws {
        var got = expected
        got.swapAt(5, 6)   // the reply came before the event it should follow
        let difference = try #require(Comparison.compare(expected: expected, got: got))
        #expect(difference.firstLine == 6)
        #expect(difference.expected == expected[5])
        #expect(difference.got == expected[6])
        #expect(difference.diff == [
            "  c1 reply xid=1 zxid=Z err=NoNode",
            "  > c1 create /a",
            "- c1 event xid=-1 zxid=-1 err=Ok type=NodeCreated state=SyncConnected path=/a",
            "  c1 reply xid=2 zxid=Z+1 err=Ok create path=/a",
            "+ c1 event xid=-1 zxid=-1 err=Ok type=NodeCreated state=SyncConnected path=/a",
        ])
        #expect(difference.report.contains("first difference at transcript line 6:"))
    }

    @Test func missingTailAndContextElision() throws {
        let long = (1...20).map { "line \($0)" }
        var got = long
        got[1] = "line two"
        got.removeLast()
        let difference = try #require(Comparison.compare(expected: long, got: got, context: 1))
        #expect(difference.firstLine == 2)
        #expect(difference.diff == ["  line 1", "- line 2", "+ line two", "  line 3", "...", "  line 19", "- line 20"])
        let short = try #require(Comparison.compare(expected: long, got: Array(long.prefix(3))))
        #expect(short.got == nil && short.expected == "line 4")
    }

    @Test func expectationFilesSkipComments() {
        let text = ExpectationFile.render(["> c1 ping", "c1 reply xid=-2 zxid=Z err=Ok"], scenario: "s", recordedFrom: "Java")
        #expect(text.hasPrefix("# Expected transcript of s.scn"))
        #expect(ExpectationFile.lines(of: text) == ["> c1 ping", "c1 reply xid=-2 zxid=Z err=Ok"])
    }
}
