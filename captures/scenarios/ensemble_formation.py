"""ensemble_formation: a 3-participant ensemble plus one observer on
127.0.0.1-4 (client 2181, quorum/ZAB 2888, election 3888), capture started
before the servers.

Fast leader election (3888: connection-initiation headers, notifications
carrying the config), ZAB discovery/sync on 2888 (FOLLOWERINFO/OBSERVERINFO,
LEADERINFO, ACKEPOCH, DIFF, NEWLEADER, UPTODATE, pings), then client traffic:
kazoo on a follower creates/sets (PROPOSAL/ACK/COMMIT to followers, INFORM to
the observer), a kazoo session on the observer writes (request forwarded to
the leader as REQUEST) and reads its own write after sync, ephemeral nodes
and a session close through a learner, a Java client on the observer
(create, sync, getEphemerals, whoAmI), 4lw srvr/mntr on every server, and an
orderly shutdown (SIGTERM) of all servers.  Server roles (read through the
AdminServer on port 8080, not captured) are written to the transcript.
"""
import sys
import time

from rawzk import fourletter
from zkcommon import (Kz, Transcript, ensemble, start_all, stop_all, wait_roles, record_roles, by_state,
                      run_java, log)

DESC = __doc__.strip().replace("\n", " ")


def main():
    t = Transcript(sys.argv[1], DESC)
    servers = ensemble(cfg={"snapCount": "1000"})
    try:
        start_all(servers)
        wait_roles(servers)
        record_roles(t, servers, "roles after formation")
        followers = by_state(servers, "follower")
        leader = by_state(servers, "leader")[0]
        observer = by_state(servers, "observer")[0]
        f1 = followers[0]
        f2 = followers[1]
        a = Kz(t, "%s:2181" % f1.addr).start()
        t(session=a.sid(), op="raw", err=None, note="kazoo A connected to follower %s (%s)" % (f1.name, f1.addr))
        a.create("/ens", b"ensemble")
        a.create("/ens/f", b"via follower")
        a.set("/ens/f", b"via follower 2")
        a.create("/ens/eph", b"", ephemeral=True)
        a.create("/ens/seq-", b"", sequence=True)
        b = Kz(t, "%s:2181" % observer.addr).start()
        t(session=b.sid(), op="raw", err=None, note="kazoo B connected to observer %s (%s)" % (observer.name, observer.addr))
        b.sync("/ens")
        b.get("/ens/f")
        b.create("/ens/o", b"via observer")
        b.get("/ens/o")
        b.get("/ens/f", watch=True)
        a.set("/ens/f", b"via follower 3")
        b.drain_events(1)
        c = Kz(t, "%s:2181" % f2.addr).start()
        t(session=c.sid(), op="raw", err=None, note="kazoo C connected to follower %s (%s)" % (f2.name, f2.addr))
        c.sync("/")
        c.children("/ens", include_data=True)
        c.delete("/ens/o")
        d = Kz(t, "%s:2181" % leader.addr).start()
        t(session=d.sid(), op="raw", err=None, note="kazoo D connected to leader %s (%s)" % (leader.name, leader.addr))
        d.create("/ens/l", b"via leader")
        d.get("/zookeeper/config")
        d.stop()
        run_java(t, "ensemble", "%s:2181" % observer.addr)
        for s in servers:
            for w in ("srvr", "mntr"):
                text = fourletter(w, host=s.addr)
                t(session=None, op="fourletter", word=w, host=s.addr, err=0, text=text)
        a.stop()
        c.children("/ens")
        c.stop()
        b.stop()
        time.sleep(2)  # a couple of ZAB pings
    finally:
        stop_all(servers)


if __name__ == "__main__":
    main()
