"""standalone_basic: kazoo client CRUD against a standalone server.

create (persistent, ephemeral, sequential, ephemeral-sequential), create2,
exists (present/absent), getData, setData (good/bad version), getChildren,
getChildren2, delete (good/bad version), sync, ping (idle client), errors
NoNode, NodeExists, NotEmpty, BadVersion, NoChildrenForEphemerals,
BadArguments (invalid path sent by the client; delete /zookeeper), setData on /zookeeper
and create under /zookeeper (allowed by 3.8.0), closeSession.
"""
import sys
import time

from zkcommon import Kz, Transcript, log, standalone

DESC = __doc__.strip().replace("\n", " ")


def main():
    t = Transcript(sys.argv[1], DESC)
    srv = standalone()
    srv.start()
    try:
        c = Kz(t, "127.0.0.1:2181", timeout=10.0)
        c.start()
        c.create("/basic", b"root data")
        c.create("/basic/persistent", b"hello")
        c.create("/basic/eph", b"ephemeral", ephemeral=True)
        c.create("/basic/seq-", b"s1", sequence=True)
        c.create("/basic/seq-", b"s2", sequence=True)
        c.create("/basic/ephseq-", b"es", ephemeral=True, sequence=True)
        c.create("/basic/c2", b"create2 data", include_data=True)
        c.create("/basic/c2seq-", b"", sequence=True, include_data=True)
        c.create("/basic/empty", b"")
        # errors on create
        c.create("/basic/persistent", b"dup")                  # NodeExists -110
        c.create("/basic/persistent", b"dup", include_data=True)  # NodeExists via create2
        c.create("/nonexistent/child", b"x")                   # NoNode -101
        c.create("/basic/eph/child", b"x")                     # NoChildrenForEphemerals -108
        c.create("/basic/bad//path", b"x")                     # NoNode: parent "/basic/bad/" is looked up before the path is validated
        c.create("/basic/trailing/", b"x", sequence=True)      # sequential with trailing slash: name is just the counter
        # reads
        c.exists("/basic/persistent")
        c.exists("/basic/absent")
        c.get("/basic/persistent")
        c.get("/basic/empty")
        c.get("/basic/absent")                                 # NoNode
        c.children("/basic")
        c.children("/basic", include_data=True)
        c.children("/basic/absent")                            # NoNode
        c.children("/basic/absent", include_data=True)         # NoNode
        c.children("/")
        c.get("/zookeeper/config")
        c.children("/zookeeper")
        c.get("/zookeeper/quota")
        # writes with versions
        c.set("/basic/persistent", b"world", 0)
        c.set("/basic/persistent", b"again", 0)                 # BadVersion -103
        c.set("/basic/persistent", b"again", -1)
        c.set("/basic/absent", b"x", -1)                        # NoNode
        c.set("/basic/persistent", b"x" * 1000, 2)
        c.get("/basic/persistent")
        c.sync("/basic")
        c.sync("/")
        c.delete("/basic", -1)                                  # NotEmpty -111
        c.delete("/basic/persistent", 7)                        # BadVersion
        c.delete("/basic/persistent", 3)
        c.delete("/basic/persistent", -1)                       # NoNode
        c.delete("/zookeeper", -1)                              # BadArguments? (reserved node)
        c.set("/zookeeper", b"x", -1)
        c.create("/zookeeper/mine", b"x")
        # idle long enough for the client to send pings (timeout 10s -> ping every ~3.3s)
        log("idling for pings")
        time.sleep(8)
        t(session=c.sid(), op="ping", err=0,
          note="kazoo sent ping requests (xid -2) while idle for 8s; not individually observable from the library")
        c.exists("/basic/eph")
        c.children("/basic", include_data=True)
        c.stop()
        # a second session sees that the ephemerals are gone
        d = Kz(t, "127.0.0.1:2181", timeout=10.0)
        d.start()
        d.children("/basic", include_data=True)
        d.exists("/basic/eph")
        d.stop()
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
