"""standalone_watches: one-shot watch events with kazoo.

Client A sets watches (exists on an absent node, getData, getChildren,
getChildren2), client B and A itself trigger them: NodeCreated (1),
NodeDeleted (2), NodeDataChanged (3), NodeChildrenChanged (4); a watch fires
once only; an exists watch on an absent node that is never created stays
until the session closes; a data watch plus a child watch on the same node
both fire on delete.
"""
import sys

from zkcommon import Kz, Transcript, standalone

DESC = __doc__.strip().replace("\n", " ")


def main():
    t = Transcript(sys.argv[1], DESC)
    srv = standalone()
    srv.start()
    try:
        a = Kz(t, "127.0.0.1:2181").start()
        b = Kz(t, "127.0.0.1:2181").start()
        a.create("/w", b"")
        # NodeCreated via exists watch on an absent node
        a.exists("/w/x", watch=True)
        b.create("/w/x", b"1")
        a.drain_events(1)
        # NodeDataChanged via getData watch
        a.get("/w/x", watch=True)
        b.set("/w/x", b"2")
        a.drain_events(1)
        # one-shot: a second change gives nothing
        b.set("/w/x", b"3")
        a.drain_events(0, timeout=1)
        # NodeDataChanged via exists watch on a present node
        a.exists("/w/x", watch=True)
        b.set("/w/x", b"4")
        a.drain_events(1)
        # NodeChildrenChanged via getChildren and getChildren2 watches
        a.children("/w", watch=True)
        b.create("/w/y", b"")
        a.drain_events(1)
        a.children("/w", watch=True, include_data=True)
        b.delete("/w/y")
        a.drain_events(1)
        # NodeDeleted via getData watch; child watch on the deleted node also fires
        a.get("/w/x", watch=True)
        a.children("/w/x", watch=True)
        b.delete("/w/x")
        a.drain_events(2)
        # the watching session triggers its own watch (event precedes its reply)
        a.exists("/w/self", watch=True)
        a.create("/w/self", b"me")
        a.drain_events(1)
        a.get("/w/self", watch=True)
        a.set("/w/self", b"me2")
        a.drain_events(1)
        # exists watch on a node that is created then the parent child-watch
        a.children("/w", watch=True)
        a.get("/w/self", watch=True)
        b.delete("/w/self")
        a.drain_events(2)
        # watches left registered at close
        a.exists("/w/never", watch=True)
        a.get("/w", watch=True)
        b.stop()
        a.stop()
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
