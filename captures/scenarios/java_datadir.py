"""Build the Java-written dataDir fixture (run through `record.sh --fixture`).

Standalone 3.8.0 with preAllocSize=16 (KB) and snapCount=16 (the server
rolls the log and snapshots after a random number of txns between
snapCount/2 and snapCount), extendedTypesEnabled=true.  A small tree is
written with kazoo and the raw client (container, TTL), the final tree is
read back (data, ACL, stat) into tree.json, then the server is stopped with
SIGTERM while session S1 (owner of the ephemerals) is still alive; its
version-2/ files are copied into the fixture folder.

Usage: java_datadir.py <fixture-dir>
"""
import glob
import json
import os
import shutil
import signal
import sys
import time

from kazoo.security import ACL, Id, make_digest_acl, OPEN_ACL_UNSAFE, READ_ACL_UNSAFE, CREATOR_ALL_ACL

from rawzk import Raw, i32, i64, ustring, buffer, acls, WORLD_ALL
from zkcommon import Kz, Transcript, standalone, log, hexsid, SUPER_USER, SUPER_PASSWORD


def main():
    out = os.path.abspath(sys.argv[1])
    os.makedirs(out, exist_ok=True)
    work = os.environ["ZK_WORKDIR"]
    t = Transcript(os.path.join(work, "fixture.transcript.jsonl"), "fixture build")
    srv = standalone("fixture", extended=True, cfg={"preAllocSize": "16", "snapCount": "16"})
    srv.start()
    info = {}
    try:
        s1 = Kz(t, "127.0.0.1:2181", timeout=30.0).start()
        s2 = Kz(t, "127.0.0.1:2181", timeout=30.0).start()
        info["s1"] = s1.sid()
        info["s2"] = s2.sid()
        z = s1
        z.create("/app", b"application root")
        z.create("/app/config", b'{"threads":4,"name":"demo"}')
        z.create("/app/empty", b"")
        z.create("/app/binary", bytes(range(0, 16)))
        z.create("/app/items", b"")
        for i in range(3):
            z.create("/app/items/item-", ("item %d" % i).encode(), sequence=True)
        z.set("/app/config", b'{"threads":8,"name":"demo"}')
        z.set("/app/config", b'{"threads":16,"name":"demo"}')
        z.create("/app/locks", b"")
        z.create("/app/locks/lock-", b"s1 lock", ephemeral=True, sequence=True)
        z.create("/app/members", b"")
        z.create("/app/members/s1", b"member s1", ephemeral=True)
        s2.create("/app/members/s2", b"member s2", ephemeral=True)
        s2.create("/app/gone", b"to be deleted")
        s2.delete("/app/gone")
        # ACLs
        z.create("/secure", b"")
        z.create("/secure/digest", b"alice only",
                 acl=[make_digest_acl("alice", "alicepw", all=True)])
        z.create("/secure/digest-read", b"bob reads, world none",
                 acl=[make_digest_acl("bob", "bobpw", read=True),
                      make_digest_acl("alice", "alicepw", all=True)])
        z.create("/secure/ip", b"localhost only", acl=[ACL(31, Id("ip", "127.0.0.1"))])
        z.create("/secure/ipnet", b"10/8 and localhost read",
                 acl=[ACL(31, Id("ip", "10.0.0.0/8")), ACL(1, Id("ip", "127.0.0.1"))])
        z.create("/secure/world-read", b"read only", acl=READ_ACL_UNSAFE)
        z.add_auth("digest", "carol:carolpw")
        z.create("/secure/auth", b"creator carol", acl=CREATOR_ALL_ACL)
        z.set_acls("/secure/world-read", [ACL(1, Id("world", "anyone")), ACL(16, Id("ip", "127.0.0.1"))])
        # container + TTL through the raw client (kazoo has neither)
        r = Raw()
        resp = r.connect(timeout_ms=30000)
        info["raw"] = r.sid()
        t(session=r.sid(), op="connect", err=0, response=resp)

        def rcreate(op, code, path, data, flags, ttl=None):
            body = ustring(path) + buffer(data) + acls(WORLD_ALL) + i32(flags)
            if ttl is not None:
                body += i64(ttl)
            r.request(code, body)
            xid, zxid, err, rd = r.read_reply()
            t(session=r.sid(), op=op, path=path, err=err, reply_zxid=zxid)
            if err:
                raise RuntimeError("%s %s failed %d" % (op, path, err))

        rcreate("createContainer", 19, "/app/container", b"container data", 4)
        rcreate("create", 1, "/app/container/child", b"keeps the container alive", 0)
        rcreate("createTTL", 21, "/app/ttl", b"ttl node", 5, 3600 * 1000)
        rcreate("createTTL", 21, "/app/ttlseq-", b"ttl sequential", 6, 7200 * 1000)
        r.request(-11)
        r.read_reply()
        t(session=r.sid(), op="closeSession", err=0)
        r.close()
        s2.stop()                            # S2 closed: its ephemeral is gone
        z.set("/app", b"application root v2")
        time.sleep(0.5)

        # read back the tree (super digest sees everything)
        su = Kz(t, "127.0.0.1:2181").start()
        su.add_auth("digest", "%s:%s" % (SUPER_USER, SUPER_PASSWORD))
        tree = {}

        def walk(path):
            data, st = su.zk.get(path)
            acl, _ = su.zk.get_acls(path)
            kids = sorted(su.zk.get_children(path))
            kind = "ephemeral" if st.ephemeralOwner else "persistent"
            if path.startswith("/app/container") and path == "/app/container":
                kind = "container"
            if path.startswith("/app/ttl"):
                kind = "ttl"
            tree[path] = {
                "data": data.decode("utf-8", "replace") if path != "/app/binary" else None,
                "data_hex": data.hex(),
                "acl": [{"perms": a.perms, "scheme": a.id.scheme, "id": a.id.id} for a in acl],
                "ephemeral": bool(st.ephemeralOwner),
                "ephemeralOwner": hexsid(st.ephemeralOwner) if st.ephemeralOwner else None,
                "kind": kind,
                "numChildren": st.numChildren,
                "stat": {k: getattr(st, k) for k in ("czxid", "mzxid", "pzxid", "version", "cversion",
                                                       "aversion", "dataLength")},
            }
            for k in kids:
                walk(path.rstrip("/") + "/" + k)
        walk("/")
        su.stop()
        info["tree"] = tree
        # S1 stays connected: stop the server underneath it
        log("stopping the server with SIGTERM while session %s is alive" % s1.sid())
        srv.stop(signal.SIGTERM)
        s1.zk.stop()
        s1.zk.close()
    finally:
        srv.stop()

    vdir = os.path.join(srv.datadir, "version-2")
    files = sorted(os.listdir(vdir))
    dst = os.path.join(out, "version-2")
    if os.path.isdir(dst):
        shutil.rmtree(dst)
    os.makedirs(dst)
    for f in files:
        shutil.copy2(os.path.join(vdir, f), os.path.join(dst, f))
    tree = info.pop("tree")
    with open(os.path.join(out, "tree.json"), "w") as f:
        json.dump({"sessions": info, "files": files, "tree": tree}, f, indent=1, sort_keys=True)
    log("fixture files: %s" % files)


if __name__ == "__main__":
    main()
