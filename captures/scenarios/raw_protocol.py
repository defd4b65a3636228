"""raw_protocol: hand-built frames from a raw socket against a standalone
server (extendedTypesEnabled=true).

ConnectRequest with the readOnly byte (false and true), without it
(old-client layout), timeouts below min / above max, protocolVersion 1,
lastZxidSeen ahead of the server (refused), ping with xid -2 and with an
ordinary xid, auth (digest) with xid -4 and with an ordinary xid, auth with
an unknown scheme (AuthFailed), whoAmI (107), unknown opcode 9999, sasl
(102) without SASL, deleteContainer (20) sent by a client, reconfig (16) on
standalone, standalone check (13), createTTL bad TTLs, create with invalid
flags, addWatch with an invalid mode, setWatches (101) and setWatches2 (105)
with a stale relativeZxid (server fires NodeCreated/NodeDeleted/
NodeDataChanged/NodeChildrenChanged at once), notifications (xid -1),
multi failure header err, multiRead (22) incl. per-op errors, multiRead
containing a write op, getData on a path with NUL, closeSession followed by
a pipelined request (SessionExpired/nothing).  Every step records the reply
header (xid, zxid, err) exactly as received.
"""
import sys
import time

from rawzk import (OPS, Raw, Closed, Reader, i32, i64, boolean, ustring, buffer, strvec, acls,
                   WORLD_ALL)
from zkcommon import Transcript, standalone, log

DESC = __doc__.strip().replace("\n", " ")
OPNAME = {v: k for k, v in OPS.items()}


class Step:
    def __init__(self, t):
        self.t = t

    def connect(self, note, **kw):
        r = Raw()
        try:
            resp = r.connect(**kw)
            err = 0
        except Closed as e:
            resp, err = {"closed": str(e)}, None
        rec = {"session": r.sid(), "op": "connect", "err": err, "note": note,
               "request": {k: (v.hex() if isinstance(v, bytes) else v) for k, v in kw.items()},
               "response": resp}
        self.t.write(rec)
        return r

    def call(self, r, opname, body=b"", xid=None, path=None, parse=None, note=None, opcode=None,
             reply_timeout=10.0, **extra):
        if opcode is None:
            opcode = OPS[opname]
        events = []
        rec = {"session": r.sid(), "op": opname}
        if path is not None:
            rec["path"] = path
        rec.update(extra)
        sent_xid = xid
        try:
            r.s.settimeout(reply_timeout)
            sent_xid = r.request(opcode, body, xid)
            rxid, zxid, err, rd = r.read_reply(events)
            rec.update({"xid": sent_xid, "reply_xid": rxid, "reply_zxid": zxid, "err": err})
            if parse and err == 0 and rd.left() > 0:
                try:
                    parse(rec, rd)
                except Exception as e:  # keep going, note it
                    rec["parse_error"] = repr(e)
            if rd.left() > 0:
                rec["trailing_bytes"] = rd.left()
        except Closed as e:
            rec.update({"xid": sent_xid, "err": None, "closed_by_server": str(e)})
        except TimeoutError:
            rec.update({"xid": sent_xid, "err": None,
                        "no_reply": "no reply within %.0fs; connection still open" % reply_timeout})
        r.s.settimeout(10.0)
        if note:
            rec["note"] = note
        self.t.write(rec)
        for ev in events:
            self.t(session=r.sid(), op="event", event=ev, note="notification received before the reply")
        return rec

    def events(self, r, n, timeout=5.0):
        got = 0
        deadline = time.time() + timeout
        while got < n and time.time() < deadline:
            r.s.settimeout(max(0.1, deadline - time.time()))
            try:
                f = r.read_frame()
            except Exception:
                break
            rd = Reader(f)
            xid, zxid, err = rd.i32(), rd.i64(), rd.i32()
            ev = {"type": rd.i32(), "state": rd.i32(), "path": rd.ustring()}
            self.t(session=r.sid(), op="event", event=ev, reply_xid=xid, reply_zxid=zxid, err=err)
            got += 1
        r.s.settimeout(10)
        if got < n:
            raise RuntimeError("expected %d events, got %d" % (n, got))

    def closed(self, r, note, timeout=12.0):
        how, data = r.wait_closed(timeout)
        self.t(session=r.sid(), op="raw", note="%s: connection %s" % (note, how), err=None,
               extra_bytes=len(data))
        r.close()
        return how


def p_stat(rec, rd):
    rec["stat"] = rd.stat()


def p_data(rec, rd):
    d = rd.buffer()
    rec["data_len"] = len(d) if d is not None else -1
    rec["stat"] = rd.stat()


def p_path(rec, rd):
    rec["created_path"] = rd.ustring()


def p_path_stat(rec, rd):
    rec["created_path"] = rd.ustring()
    rec["stat"] = rd.stat()


def p_children(rec, rd):
    rec["children"] = rd.strvec()


def p_whoami(rec, rd):
    n = rd.i32()
    rec["client_info"] = [{"authScheme": rd.ustring(), "user": rd.ustring()} for _ in range(n)]


def p_multi(rec, rd):
    res = []
    while True:
        typ, done, err = rd.i32(), rd.boolean(), rd.i32()
        if done:
            break
        item = {"type": typ, "err": err}
        if typ == -1:
            item["err"] = rd.i32()
        elif typ in (1, 15, 19, 21):
            item["path"] = rd.ustring()
            if typ != 1:
                item["stat"] = rd.stat()
        elif typ == 5:
            item["stat"] = rd.stat()
        elif typ == 4:
            d = rd.buffer()
            item["data_len"] = len(d) if d is not None else -1
            item["stat"] = rd.stat()
        elif typ == 8:
            item["children"] = rd.strvec()
        res.append(item)
    rec["results"] = res
    rec["multi_end"] = {"type": typ, "err": err}


def create_body(path, data=b"", acl=WORLD_ALL, flags=0):
    return ustring(path) + buffer(data) + acls(acl) + i32(flags)


def multi_body(ops):
    """ops: list of (opcode, body)."""
    b = b""
    for code, body in ops:
        b += i32(code) + boolean(False) + i32(-1) + body
    return b + i32(-1) + boolean(True) + i32(-1)


def main():
    t = Transcript(sys.argv[1], DESC)
    srv = standalone(extended=True)
    srv.start()
    st = Step(t)
    try:
        # ---- ConnectRequest variants
        r = st.connect("standard ConnectRequest with readOnly=false byte", readonly=False)
        st.call(r, "closeSession")
        st.closed(r, "after closeSession")
        r = st.connect("ConnectRequest WITHOUT the trailing readOnly byte (pre-3.4 layout)", readonly=None)
        st.call(r, "exists", ustring("/") + boolean(False), path="/", parse=p_stat)
        st.call(r, "closeSession")
        st.closed(r, "after closeSession (old client)")
        r = st.connect("ConnectRequest with readOnly=true against a read-write server", readonly=True)
        st.call(r, "closeSession")
        st.closed(r, "after closeSession")
        r = st.connect("timeout 1000ms is below minSessionTimeout (4000)", timeout_ms=1000)
        st.call(r, "closeSession")
        st.closed(r, "after closeSession")
        r = st.connect("timeout 100000ms is above maxSessionTimeout (40000)", timeout_ms=100000)
        st.call(r, "closeSession")
        st.closed(r, "after closeSession")
        r = st.connect("protocolVersion 1", protocol_version=1)
        st.call(r, "closeSession")
        st.closed(r, "after closeSession")
        r = st.connect("lastZxidSeen 0x7fffffff ahead of the server: refused", last_zxid=0x7FFFFFFF)
        st.closed(r, "after refused connect")
        r = st.connect("reattach to unknown session id 0x1234 with zero password", session_id=0x1234)
        st.closed(r, "after reattach to unknown session")

        # ---- main session
        r = st.connect("main raw session", readonly=False, timeout_ms=30000)
        st.call(r, "ping", xid=-2, note="ping with the conventional xid -2")
        st.call(r, "ping", xid=1000, note="ping with an ordinary xid: the reply xid is still -2")
        st.call(r, "auth", i32(0) + ustring("digest") + buffer(b"alice:alicepw"), xid=-4,
                scheme="digest", note="auth with the conventional xid -4")
        st.call(r, "auth", i32(0) + ustring("digest") + buffer(b"bob:bobpw"), xid=1001,
                scheme="digest", note="auth with an ordinary xid")
        st.call(r, "whoAmI", parse=p_whoami)
        st.call(r, "create", create_body("/raw", b"raw"), path="/raw", parse=p_path)
        st.call(r, "create2", create_body("/raw/c2", b"x"), path="/raw/c2", parse=p_path_stat)
        st.call(r, "createContainer", create_body("/raw/container", b"", flags=4), path="/raw/container",
                parse=p_path_stat)
        st.call(r, "createTTL", create_body("/raw/ttl", b"t", flags=5) + i64(10000), path="/raw/ttl",
                parse=p_path_stat, ttl=10000)
        st.call(r, "createTTL", create_body("/raw/ttl0", b"t", flags=5) + i64(0), path="/raw/ttl0",
                parse=p_path_stat, ttl=0, note="ttl 0")
        st.call(r, "createTTL", create_body("/raw/ttlbig", b"t", flags=5) + i64(1 << 41), path="/raw/ttlbig",
                parse=p_path_stat, ttl=1 << 41, note="ttl above the 40-bit maximum")
        st.call(r, "createTTL", create_body("/raw/ttlflag0", b"t", flags=0) + i64(10000), path="/raw/ttlflag0",
                parse=p_path_stat, ttl=10000, note="createTTL opcode with PERSISTENT flags")
        st.call(r, "create", create_body("/raw/ttlviacreate", b"t", flags=5), path="/raw/ttlviacreate",
                parse=p_path, note="plain create opcode with the TTL flag (5)")
        st.call(r, "create", create_body("/raw/badflags", b"", flags=99), path="/raw/badflags",
                parse=p_path, note="invalid create flags 99")
        st.call(r, "create", create_body("/raw/containerflag", b"", flags=4), path="/raw/containerflag",
                parse=p_path, note="plain create opcode with the container flag (4)")
        st.call(r, "create", create_body("relative", b""), path="relative", parse=p_path,
                note="path without a leading slash")
        st.call(r, "getData", ustring("/raw\0x") + boolean(False), path="/raw\\0x", parse=p_data,
                note="path with a NUL byte")
        st.call(r, "exists", ustring("relative") + boolean(False), path="relative", parse=p_stat)
        st.call(r, "check", ustring("/raw") + i32(0), path="/raw", version=0, reply_timeout=3.0,
                note="check (13) as a top-level request: 3.8.0 hits a NullPointerException serializing "
                     "the (null) SetDataResponse stat and never replies")
        st.call(r, "check", ustring("/raw") + i32(5), path="/raw", version=5,
                note="check (13) as a top-level request, wrong version")
        st.call(r, "sync", ustring("/raw"), path="/raw", parse=lambda rec, rd: rec.update(path_back=rd.ustring()))
        st.call(r, "getAllChildrenNumber", ustring("/raw"), path="/raw",
                parse=lambda rec, rd: rec.update(number=rd.i32()))
        st.call(r, "getEphemerals", ustring("/"), path="/", parse=p_children)
        st.call(r, "getChildren2", ustring("/raw") + boolean(False), path="/raw",
                parse=lambda rec, rd: rec.update(children=rd.strvec(), stat=rd.stat()))
        st.call(r, "getACL", ustring("/raw"), path="/raw",
                parse=lambda rec, rd: rec.update(acl=rd.acls(), stat=rd.stat()))
        st.call(r, "setACL", ustring("/raw") + acls(WORLD_ALL) + i32(0), path="/raw", version=0, parse=p_stat)
        st.call(r, "whoAmI", opcode=107, parse=p_whoami)
        # ---- requests that may end the connection: one fresh session each
        def solo(note, opname, body=b"", **kw):
            c = st.connect("fresh session for: " + note, readonly=False)
            st.call(c, opname, body, note=note, reply_timeout=5.0, **kw)
            st.closed(c, "after " + note, timeout=3)

        solo("unknown opcode 9999", "raw", opcode=9999)
        solo("opcode 10 (unused number between sync and ping)", "raw", ustring("/raw"), opcode=10)
        solo("sasl (102) with an empty token, no SASL configured", "sasl", buffer(b""))
        solo("reconfig (16) on standalone, reconfigEnabled=false", "reconfig",
             ustring("") + ustring("") + ustring("") + i64(-1))
        solo("addWatch with invalid mode 2", "addWatch", ustring("/raw") + i32(2), path="/raw", mode=2)
        solo("deleteContainer (20) sent by a client on an empty container", "deleteContainer",
             ustring("/raw/container"), path="/raw/container")
        st.call(r, "exists", ustring("/raw/container") + boolean(False), path="/raw/container", parse=p_stat)
        solo("deleteContainer (20) on a plain persistent node", "deleteContainer", ustring("/raw/c2"), path="/raw/c2")
        solo("deleteContainer (20) with the path as bare bytes (how the server's ContainerManager encodes "
             "it) on a plain persistent node", "deleteContainer", b"/raw/c2", path="/raw/c2")
        solo("deleteContainer (20) with the path as bare bytes on an empty container (3.8.0 decodes the path "
             "from the whole packet buffer, header included, so a client request never names a valid path)",
             "deleteContainer", b"/raw/container", path="/raw/container")
        st.call(r, "exists", ustring("/raw/container") + boolean(False), path="/raw/container", parse=p_stat)
        # watches with raw: data watch, then change it ourselves (notification xid -1)
        st.call(r, "getData", ustring("/raw") + boolean(True), path="/raw", parse=p_data, watch=True)
        st.call(r, "setData", ustring("/raw") + buffer(b"changed") + i32(-1), path="/raw", version=-1,
                parse=p_stat, note="triggers our own data watch: the notification precedes the reply")
        st.call(r, "addWatch", ustring("/raw") + i32(1), path="/raw", mode=1)
        st.call(r, "create", create_body("/raw/deep", b""), path="/raw/deep", parse=p_path,
                note="recursive watch fires NodeCreated")
        st.call(r, "checkWatches", ustring("/raw") + i32(1), path="/raw", watcher_type=1,
                note="checkWatches type Children on a path with only a persistent-recursive watch")
        st.call(r, "removeWatches", ustring("/raw") + i32(3), path="/raw", watcher_type=3,
                note="removeWatches type Any removes the recursive watch")
        st.call(r, "removeWatches", ustring("/raw") + i32(3), path="/raw", watcher_type=3,
                note="again: NoWatcher")
        # multi failure and multiRead
        st.call(r, "multi", multi_body([(1, create_body("/raw/m1")), (13, ustring("/raw") + i32(42))]),
                parse=p_multi, note="failing multi: create ok, check bad version")
        st.call(r, "multi", multi_body([]), parse=p_multi, note="empty multi")
        st.call(r, "multiRead", multi_body([(4, ustring("/raw") + boolean(False)),
                                             (8, ustring("/raw") + boolean(False)),
                                             (4, ustring("/nope") + boolean(False))]),
                parse=p_multi)
        st.call(r, "multiRead", multi_body([]), parse=p_multi, note="empty multiRead")

        # ---- setWatches / setWatches2 with a stale relativeZxid on a fresh session
        w = Raw()
        resp = w.connect(timeout_ms=30000)
        t(session=w.sid(), op="connect", err=0, note="session for stale setWatches", response=resp)
        st.call(w, "create", create_body("/sw", b""), path="/sw", parse=p_path)
        st.call(w, "create", create_body("/sw/a", b"a"), path="/sw/a", parse=p_path)
        st.call(w, "setData", ustring("/sw/a") + buffer(b"a2") + i32(-1), path="/sw/a", version=-1, parse=p_stat)
        st.call(w, "setWatches",
                i64(1) + strvec(["/sw/a", "/sw/gone"]) + strvec(["/sw/a", "/sw/absent"]) + strvec(["/sw"]),
                xid=-8, relativeZxid=1,
                dataWatches=["/sw/a", "/sw/gone"], existWatches=["/sw/a", "/sw/absent"], childWatches=["/sw"],
                note="relativeZxid 1 is older than everything: server fires events immediately")
        st.events(w, 0, timeout=0.5)
        st.call(w, "setWatches2",
                i64(1) + strvec(["/sw/a"]) + strvec(["/sw/none"]) + strvec(["/sw"])
                + strvec(["/sw/a"]) + strvec(["/sw"]),
                xid=-8, relativeZxid=1, dataWatches=["/sw/a"], existWatches=["/sw/none"], childWatches=["/sw"],
                persistentWatches=["/sw/a"], persistentRecursiveWatches=["/sw"])
        st.call(w, "setData", ustring("/sw/a") + buffer(b"a3") + i32(-1), path="/sw/a", version=-1, parse=p_stat,
                note="fires the persistent and the recursive watch set by setWatches2")
        st.call(w, "setWatches", i64(0x7FFFFFFF) + strvec(["/sw/a"]) + strvec([]) + strvec([]),
                xid=12345, relativeZxid=0x7FFFFFFF, dataWatches=["/sw/a"],
                note="setWatches with an ordinary xid and a relativeZxid from the future")
        st.call(w, "closeSession")
        st.closed(w, "after closeSession")

        # ---- multiRead with a write op inside
        x = st.connect("session for a multiRead containing a create", readonly=False)
        st.call(x, "multiRead", multi_body([(1, create_body("/raw/inmultiread"))]), parse=p_multi,
                note="write op inside multiRead")
        if x.s.fileno() != -1:
            st.closed(x, "after multiRead with a write op", timeout=3)

        # ---- auth with an unknown scheme
        a = st.connect("session for a failing auth", readonly=False)
        st.call(a, "auth", i32(0) + ustring("nosuchscheme") + buffer(b"x"), xid=-4, scheme="nosuchscheme")
        st.closed(a, "after AuthFailed")

        # ---- closeSession with a request pipelined behind it
        p = st.connect("session for pipelined closeSession + getData", readonly=False)
        p.request(OPS["closeSession"])
        p.request(OPS["getData"], ustring("/raw") + boolean(False))
        t(session=p.sid(), op="closeSession", xid=1, note="sent together with the next request", err=None)
        t(session=p.sid(), op="getData", path="/raw", xid=2, err=None,
          note="pipelined after closeSession; replies (if any) recorded in the next lines")
        for _ in range(3):
            try:
                xid, zxid, err, rd = p.read_reply()
                t(session=p.sid(), op="raw", note="reply after pipelined closeSession", reply_xid=xid,
                  reply_zxid=zxid, err=err)
            except Exception as e:
                t(session=p.sid(), op="raw", note="connection ended: %r" % (e,), err=None)
                break
        p.close()

        # ---- data of /raw at the end, from the main session
        st.call(r, "getData", ustring("/raw") + boolean(False), path="/raw", parse=p_data)
        st.call(r, "closeSession")
        st.closed(r, "after closeSession")
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
