"""ensemble_failover: leader loss, re-election, rejoin and DIFF resync in a
3-participant + 1-observer ensemble (127.0.0.1-4).

A kazoo client on a follower writes; the leader is killed with SIGKILL (no
FIN from its process: the kernel closes its sockets); the survivors re-elect
(notifications on 3888 with a higher election epoch), learners drop their
clients, the kazoo client reconnects with its session (the session survives
the failover) and writes again.  The killed server is restarted and rejoins
as a follower (DIFF or TRUNC+DIFF).  Then a follower is stopped with SIGTERM,
a few writes are made, and it is restarted: the leader syncs it with a DIFF
from its committed log.  A raw session created on one follower and
re-attached on another server gets SessionMoved (-118) for a write sent on
its old connection (attempted: 3.8.0 closes the old connection instead, see the transcript).
"""
import sys
import time

from rawzk import Raw, i32, ustring, buffer, acls, WORLD_ALL, Closed
from zkcommon import (Kz, Transcript, ensemble, start_all, stop_all, wait_roles, record_roles, by_state, log)

DESC = __doc__.strip().replace("\n", " ")


def wait_connected(c, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if c.zk.connected and c.zk.client_id:
            return True
        time.sleep(0.1)
    raise RuntimeError("kazoo did not reconnect")


def main():
    t = Transcript(sys.argv[1], DESC)
    servers = ensemble(cfg={"snapCount": "1000"})
    try:
        start_all(servers)
        wait_roles(servers)
        record_roles(t, servers, "roles after formation")
        leader = by_state(servers, "leader")[0]
        followers = by_state(servers, "follower")
        observer = by_state(servers, "observer")[0]
        f1, f2 = followers
        a = Kz(t, "%s:2181" % f1.addr, timeout=20.0).start()
        a.zk.add_listener(lambda st: log("kazoo A state %s" % st))
        t(session=a.sid(), op="raw", err=None, note="kazoo A connected to follower %s" % f1.name)
        a.create("/fo", b"failover")
        for i in range(5):
            a.create("/fo/before-%d" % i, b"b%d" % i)
        a.create("/fo/eph", b"", ephemeral=True)

        # ---- SessionMoved
        r1 = Raw(f1.addr)
        resp = r1.connect(timeout_ms=30000)
        t(session=r1.sid(), op="connect", err=0, note="raw session on %s" % f1.name, response=resp)
        r2 = Raw(f2.addr)
        resp = r2.connect(session_id=r1.session, passwd=r1.passwd, timeout_ms=30000)
        t(session=r2.sid(), op="connect", err=0, note="same session re-attached on %s" % f2.name, response=resp)
        r2.request(3, ustring("/fo") + b"\x00")
        xid, zxid, err, rd = r2.read_reply()
        t(session=r2.sid(), op="exists", path="/fo", xid=xid, reply_zxid=zxid, err=err, note="on the new connection")
        try:
            r1.request(1, ustring("/fo/moved") + buffer(b"") + acls(WORLD_ALL) + i32(0))
            xid, zxid, err, rd = r1.read_reply()
            t(session=r1.sid(), op="create", path="/fo/moved", xid=xid, reply_zxid=zxid, err=err,
              note="write on the OLD connection after the session moved")
        except (Closed, OSError) as e:
            t(session=r1.sid(), op="create", path="/fo/moved", err=None, note="old connection: %r" % (e,))
        how, _ = r1.wait_closed(3)
        t(session=r1.sid(), op="raw", err=None, note="old connection afterwards: %s" % how)
        r1.close()
        r2.request(-11)
        xid, zxid, err, rd = r2.read_reply()
        t(session=r2.sid(), op="closeSession", xid=xid, reply_zxid=zxid, err=err)
        r2.close()

        # ---- leader SIGKILL
        t(session=None, op="raw", err=None, note="driver: SIGKILL leader %s" % leader.name)
        leader.kill()
        wait_roles(servers, 90)
        record_roles(t, servers, "roles after re-election")
        wait_connected(a)
        t(session=a.sid(), op="connect", err=0, note="kazoo A reconnected (same session) after the failover")
        a.create("/fo/after-kill", b"x")
        a.exists("/fo/eph")
        a.children("/fo")

        # ---- old leader rejoins
        t(session=None, op="raw", err=None, note="driver: restarting %s" % leader.name)
        leader.start()
        wait_roles(servers, 90)
        record_roles(t, servers, "roles after the old leader rejoined")
        a.create("/fo/after-rejoin", b"y")

        # ---- follower stopped, writes, restarted -> DIFF
        new_leader = by_state(servers, "leader")[0]
        victim = [s for s in by_state(servers, "follower") if s is not f1][0]
        t(session=None, op="raw", err=None, note="driver: SIGTERM follower %s" % victim.name)
        victim.stop()
        for i in range(10):
            a.create("/fo/while-down-%d" % i, b"w%d" % i)
        a.set("/fo", b"changed while down")
        a.delete("/fo/before-0")
        t(session=None, op="raw", err=None, note="driver: restarting follower %s" % victim.name)
        victim.start()
        wait_roles(servers, 90)
        record_roles(t, servers, "roles after the follower rejoined (DIFF sync)")
        c = Kz(t, "%s:2181" % victim.addr).start()
        t(session=c.sid(), op="raw", err=None, note="kazoo C connected to the resynced follower %s" % victim.name)
        c.get("/fo")
        c.children("/fo")
        c.stop()
        a.stop()
        time.sleep(1)
    finally:
        stop_all(servers)


if __name__ == "__main__":
    main()
