"""ensemble_snap_sync: learner resync by DIFF and by SNAP.

3 participants + 1 observer on 127.0.0.1-4, every JVM started with
-Dzookeeper.snapshotSizeFactor=-1 (txn-log based learner sync disabled; the
leader's in-memory committed log keeps the default and minimum 500
proposals, zookeeper.commitLogCount cannot go lower), snapCount=200.  A
follower is stopped (SIGTERM), 5 writes are made, and it is restarted: its
zxid is still inside the leader's committed log, so the leader sends DIFF
followed by the missing PROPOSAL/COMMIT pairs.  The follower and the
observer are then stopped, 520 setData calls (1-byte values, pipelined
with kazoo's async API) push their zxid out of the committed log, and they
are restarted: the leader sends SNAP (a serialized snapshot of the whole
tree on 2888).  Clients then read through the resynced servers.
"""
import sys
import time

from zkcommon import (stat_dict, Kz, Transcript, ensemble, start_all, stop_all, wait_roles, record_roles, by_state, log)

DESC = __doc__.strip().replace("\n", " ")


def main():
    t = Transcript(sys.argv[1], DESC)
    servers = ensemble(cfg={"snapCount": "200"}, jvm_props={"zookeeper.snapshotSizeFactor": "-1"})
    try:
        start_all(servers)
        wait_roles(servers)
        record_roles(t, servers, "roles after formation")
        leader = by_state(servers, "leader")[0]
        victim = by_state(servers, "follower")[0]
        observer = by_state(servers, "observer")[0]
        writer = [s for s in servers if s is not victim and s is not observer][0]
        a = Kz(t, "%s:2181" % writer.addr, timeout=20.0).start()
        t(session=a.sid(), op="raw", err=None, note="kazoo A connected to %s" % writer.name)
        a.create("/ss", b"snap sync")
        for i in range(5):
            a.create("/ss/n%03d" % i, b"v")

        # small gap -> DIFF
        t(session=None, op="raw", err=None, note="driver: SIGTERM follower %s" % victim.name)
        victim.stop()
        for i in range(5, 10):
            a.create("/ss/n%03d" % i, b"v")
        t(session=None, op="raw", err=None, note="driver: restarting %s (expect DIFF)" % victim.name)
        victim.start()
        wait_roles(servers, 90)
        record_roles(t, servers, "after the small-gap rejoin")

        # large gap -> SNAP
        t(session=None, op="raw", err=None, note="driver: SIGTERM follower %s and observer %s" % (
            victim.name, observer.name))
        victim.stop()
        observer.stop()
        a.create("/ss/counter", b"")
        done = 0
        while done < 520:
            batch = [(done + j, a.zk.set_async("/ss/counter", b"%d" % ((done + j) % 10))) for j in range(40)]
            for n, ar in batch:
                rec = {"session": a.sid(), "op": "setData", "path": "/ss/counter", "version": -1, "data_len": 1,
                       "note": "async, pipelined in batches of 40"}
                try:
                    st = ar.get(timeout=30)
                    rec["err"] = 0
                    rec["stat"] = stat_dict(st)
                except Exception as e:
                    rec["err"] = getattr(e, "code", None)
                t.write(rec)
            done += len(batch)
        a.set("/ss", b"after 520 writes")
        t(session=None, op="raw", err=None, note="driver: restarting %s and %s (expect SNAP)" % (
            victim.name, observer.name))
        victim.start()
        observer.start()
        wait_roles(servers, 90)
        record_roles(t, servers, "after the large-gap rejoin")
        for s in (victim, observer):
            c = Kz(t, "%s:2181" % s.addr).start()
            t(session=c.sid(), op="raw", err=None, note="kazoo connected to resynced %s" % s.name)
            c.get("/ss")
            c.get("/ss/counter")
            c.children("/ss", include_data=True)
            c.stop()
        a.stop()
        time.sleep(1)
    finally:
        stop_all(servers)


if __name__ == "__main__":
    main()
