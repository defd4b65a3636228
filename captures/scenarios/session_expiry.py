"""session_expiry: session expiry and re-attachment on a standalone server.

A raw client negotiates a 4000 ms session, creates an ephemeral node and
stops pinging; the server expires the session (closeSession txn, ephemeral
deleted, NodeDeleted to a kazoo watcher, connection closed).  Reconnecting
with the expired session id + password gives a ConnectResponse with
timeOut 0 / sessionId 0.  A wrong password for a live session gives the
same.  A live raw session re-attached from a second connection with the
right password (the old connection is closed by the server).  Then a Java
client (Ops.java "expiry") is frozen with SIGSTOP past its 4000 ms timeout:
after SIGCONT it reconnects, gets the expired ConnectResponse and reports
Disconnected / Expired state events.
"""
import os
import signal
import sys
import time

from rawzk import Raw, Closed, i32, ustring, buffer, acls, WORLD_ALL, boolean
from zkcommon import (Kz, Transcript, standalone, log, run_java, java_expect, java_send, finish_java)

DESC = __doc__.strip().replace("\n", " ")


def rconnect(t, note, **kw):
    r = Raw()
    try:
        resp = r.connect(**kw)
        err = 0
    except Closed as e:
        resp, err = {"closed": str(e)}, None
    req = {k: (v.hex() if isinstance(v, bytes) else (hex(v) if k == "session_id" else v)) for k, v in kw.items()}
    t(session=r.sid(), op="connect", err=err, note=note, request=req, response=resp)
    return r


def main():
    t = Transcript(sys.argv[1], DESC)
    srv = standalone()
    srv.start()
    try:
        o = Kz(t, "127.0.0.1:2181", timeout=10.0).start()
        o.create("/exp", b"")
        # raw short session
        r = rconnect(t, "raw session, 4000 ms", timeout_ms=4000)
        sid, pw = r.session, r.passwd
        r.request(1, ustring("/exp/raw-eph") + buffer(b"e") + acls(WORLD_ALL) + i32(1))
        xid, zxid, err, rd = r.read_reply()
        t(session=r.sid(), op="create", path="/exp/raw-eph", flags=1, xid=xid, reply_zxid=zxid, err=err,
          created_path=rd.ustring() if err == 0 else None)
        o.exists("/exp/raw-eph", watch=True)
        t(session=r.sid(), op="raw", err=None, note="raw client now silent (no pings)")
        t0 = time.time()
        o.drain_events(1, timeout=20)
        log("ephemeral gone after %.1fs" % (time.time() - t0))
        how, data = r.wait_closed(10)
        t(session=r.sid(), op="raw", err=None,
          note="server side after expiry: connection %s, %.1fs after going silent" % (how, time.time() - t0),
          extra_bytes=len(data))
        r.close()
        # re-attach the expired session
        r2 = rconnect(t, "reconnect with the EXPIRED session id and its password", session_id=sid, passwd=pw,
                      timeout_ms=4000)
        how, data = r2.wait_closed(5)
        t(session=None, op="raw", err=None, note="after expired ConnectResponse: connection %s" % how)
        r2.close()
        # wrong password on a live session (kazoo's)
        live = o.zk.client_id[0]
        r3 = rconnect(t, "live session id of the kazoo client with a WRONG password", session_id=live,
                      passwd=b"\x01" * 16)
        how, data = r3.wait_closed(5)
        t(session=None, op="raw", err=None, note="after wrong-password ConnectResponse: connection %s" % how)
        r3.close()
        # 3.8.0 closes the session's CURRENT connection as soon as any connection
        # presents its id (DisconnectReason.CLIENT_RECONNECT), before checking
        # the password: kazoo is disconnected and reconnects.
        deadline = time.time() + 15
        while time.time() < deadline and not (o.zk.connected and o.zk.client_id):
            time.sleep(0.05)
        time.sleep(0.5)
        while time.time() < deadline and not (o.zk.connected and o.zk.client_id):
            time.sleep(0.05)
        t(session=o.sid(), op="connect", err=0,
          note="kazoo's connection was closed by the server because of the wrong-password attempt on its "
               "session id; kazoo reconnected with the same session (ConnectRequest with its session id)")
        o.exists("/exp", watch=False)  # kazoo session still valid
        # move a live raw session to a second connection
        a = rconnect(t, "raw session A, 30000 ms", timeout_ms=30000)
        b = rconnect(t, "second connection re-attaching session A with the right password",
                     session_id=a.session, passwd=a.passwd, timeout_ms=30000)
        b.request(3, ustring("/exp") + boolean(False))
        xid, zxid, err, rd = b.read_reply()
        t(session=b.sid(), op="exists", path="/exp", xid=xid, reply_zxid=zxid, err=err,
          note="on the re-attached connection")
        how, data = a.wait_closed(5)
        t(session=a.sid(), op="raw", err=None, note="first connection of session A after the re-attach: %s" % how,
          extra_bytes=len(data))
        a.close()
        b.request(-11)
        xid, zxid, err, rd = b.read_reply()
        t(session=b.sid(), op="closeSession", xid=xid, reply_zxid=zxid, err=err)
        b.close()
        # Java client frozen past its session timeout
        p = run_java(t, "expiry", "127.0.0.1:2181", wait=False)
        java_expect(p, "READY", 60)
        os.kill(p.pid, signal.SIGSTOP)
        log("java client SIGSTOPped")
        t(session=None, op="raw", err=None, note="driver: Java client process SIGSTOPped for 12 s (session timeout 4000 ms)")
        time.sleep(12)
        os.kill(p.pid, signal.SIGCONT)
        java_send(p, "GO")
        finish_java(p, 60)
        o.exists("/expiry-java-eph")
        o.stop()
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
