"""Build a described ZooKeeper tree, dump a whole tree as JSON, compare dumps.

    tree.py build --hosts H:P [--manifest FILE]
    tree.py dump  --hosts H:P [--out FILE]
    tree.py diff  A.json B.json

build  writes the tree below through kazoo (container and TTL creates, which
       kazoo has no call for, are kazoo requests defined here: opcodes 19 and
       21). The owner of /eph/alive and /eph/alive-seq-N is a session left OPEN:
       the `build` command exits without closing it (no closeSession is sent), so
       the server keeps it until it expires (timeout --session-timeout, 15 s).
       The wire shows TTL and container nodes as plain persistent ones
       (ephemeralOwner 0), so /container-reap and /ttl-reap let a checker see
       the node types survive: they must be reaped after the restart.
       The server needs extendedTypesEnabled (TTL) and the super digest
       super:test (zkproc.SUPER_DIGEST).
dump   reads every node from / as super (digest super:test): data (hex), all
       eleven Stat fields, the ACL list, the children exactly in the order the
       server returned them (Java: HashSet order).
diff   exact comparison of two dumps (children order included); prints one line
       per difference, exit status 1 if any.

The tree:
  /app                  persistent, setData twice
  /app/config           JSON text, setData 3 times (version 3)
  /app/empty            no data
  /app/binary           bytes 0..255
  /app/big              200000 bytes
  /app/seq/item-N       3 sequential nodes, item-0000000001 deleted
  /app/many/...         40 children with assorted names (HashSet order)
  /app/gone             created and deleted (with a child /app/gone/x first)
  /eph/alive            ephemeral of the still-open session S1
  /eph/alive-seq-N      ephemeral sequential of S1
  /eph/closed           ephemeral of S2, closed before the dump: absent
  /container            container with /container/child
  /container-empty      container that never had a child (not reaped)
  /container-reap       container with a child (the checker deletes the child
                        after the restart: the container must then be reaped)
  /ttl-reap             TTL 45 s (must be in both dumps, then be reaped)
  /ttl                  TTL 1 h (persistent with TTL)
  /ttl-seq-N            TTL 2 h, sequential
  /acl/digest           digest alice, all
  /acl/mixed            digest bob read + alice all; setACL twice (aversion 2)
  /acl/world-read       world read; setACL with version 0 (aversion 1)
  /acl/ip               ip 127.0.0.1
  /acl/auth             auth (creator: the builder, authenticated as alice and carol)
  /multi                multi: create /multi/a, /multi/b, setData /multi,
                        delete /multi/pre, check /multi/a version
"""
import argparse
import json
import os
import sys
from collections import namedtuple

from kazoo.client import KazooClient
from kazoo.protocol.serialization import Create2, long_struct
from kazoo.security import ACL, Id, READ_ACL_UNSAFE, CREATOR_ALL_ACL, OPEN_ACL_UNSAFE, make_digest_acl

SUPER_AUTH = ("digest", "super:test")
OP_TIMEOUT = 20.0
REAP_TTL_MS = 45000   # /ttl-reap: must outlive both dumps, then be reaped

CONTAINER = 4
PERSISTENT_WITH_TTL = 5
PERSISTENT_SEQUENTIAL_WITH_TTL = 6


class CreateContainer(Create2):
    """createContainer (opcode 19): a Create2 body and reply."""
    type = 19


class CreateTTL(namedtuple("CreateTTL", "path data acl flags ttl")):
    """createTTL (opcode 21): CreateTTLRequest = Create2 body + long ttl; Create2 reply."""
    type = 21

    def serialize(self):
        b = Create2(self.path, self.data, self.acl, self.flags).serialize()
        b.extend(long_struct.pack(self.ttl))
        return b

    deserialize = Create2.deserialize


def call(zk, request):
    result = zk.handler.async_result()
    zk._call(request, result)
    return result.get(timeout=OP_TIMEOUT)


def client(hosts, timeout=15.0, auth=None):
    zk = KazooClient(hosts=hosts, timeout=timeout,
                     auth_data=[auth] if auth else None)
    zk.start(timeout=20)
    return zk


def build(hosts, session_timeout=15.0):
    """Builds the tree; returns (manifest, s1) where s1 is the session that owns
    /eph/alive and must not be closed by the caller before the server stops."""
    s1 = client(hosts, timeout=session_timeout)
    s2 = client(hosts, timeout=session_timeout)
    z = client(hosts, timeout=session_timeout)
    man = {"s1": "0x%x" % s1.client_id[0], "s2": "0x%x" % s2.client_id[0],
           "builder": "0x%x" % z.client_id[0], "session_timeout_s": session_timeout}

    z.create("/app", b"application root")
    z.create("/app/config", b'{"threads":4}')
    for n in (8, 16, 32):
        z.set("/app/config", b'{"threads":%d}' % n)
    z.create("/app/empty", b"")
    z.create("/app/binary", bytes(range(256)))
    z.create("/app/big", bytes((i * 7919) % 251 for i in range(200000)))
    z.create("/app/seq")
    for i in range(3):
        z.create("/app/seq/item-", b"item %d" % i, sequence=True)
    z.delete("/app/seq/item-0000000001")
    z.create("/app/many")
    names = ["n-%d" % i for i in range(20)] + \
            ["%s-%02d" % (w, i) for i, w in enumerate(
                ["alpha", "beta", "gamma", "delta", "x", "yy", "zzz", "q", "lock", "member",
                 "A", "B", "Zeta", "node", "0", "1", "10", "100", "_", "~"])]
    for nm in names:
        z.create("/app/many/" + nm, nm.encode())
    z.create("/app/gone", b"to be deleted")
    z.create("/app/gone/x", b"child")
    z.delete("/app/gone/x")
    z.delete("/app/gone")
    z.set("/app", b"application root v2")

    z.create("/eph")
    s1.create("/eph/alive", b"owner stays connected", ephemeral=True)
    s1.create("/eph/alive-seq-", b"ephemeral sequential", ephemeral=True, sequence=True)
    s2.create("/eph/closed", b"owner closes", ephemeral=True)
    s2.stop()
    s2.close()

    call(z, CreateContainer("/container", b"container data", OPEN_ACL_UNSAFE, CONTAINER))
    z.create("/container/child", b"keeps the container")
    call(z, CreateContainer("/container-empty", b"", OPEN_ACL_UNSAFE, CONTAINER))
    call(z, CreateContainer("/container-reap", b"reaped once its child goes", OPEN_ACL_UNSAFE, CONTAINER))
    z.create("/container-reap/child", b"deleted after the restart")
    call(z, CreateTTL("/ttl-reap", b"ttl %d ms" % REAP_TTL_MS, OPEN_ACL_UNSAFE, PERSISTENT_WITH_TTL, REAP_TTL_MS))
    call(z, CreateTTL("/ttl", b"ttl 1h", OPEN_ACL_UNSAFE, PERSISTENT_WITH_TTL, 3600 * 1000))
    call(z, CreateTTL("/ttl-seq-", b"ttl 2h seq", OPEN_ACL_UNSAFE, PERSISTENT_SEQUENTIAL_WITH_TTL, 7200 * 1000))

    z.create("/acl")
    z.add_auth("digest", "alice:alicepw")     # setACL below needs ADMIN on alice's nodes
    z.create("/acl/digest", b"alice only", acl=[make_digest_acl("alice", "alicepw", all=True)])
    z.create("/acl/mixed", b"bob reads", acl=[make_digest_acl("alice", "alicepw", all=True)])
    z.set_acls("/acl/mixed", [make_digest_acl("bob", "bobpw", read=True),
                              make_digest_acl("alice", "alicepw", all=True)])
    z.set_acls("/acl/mixed", [make_digest_acl("bob", "bobpw", read=True, write=True),
                              make_digest_acl("alice", "alicepw", all=True)], version=1)
    z.create("/acl/world-read", b"read only", acl=OPEN_ACL_UNSAFE)
    z.set_acls("/acl/world-read", READ_ACL_UNSAFE, version=0)
    z.create("/acl/ip", b"localhost", acl=[ACL(31, Id("ip", "127.0.0.1"))])
    z.add_auth("digest", "carol:carolpw")
    z.create("/acl/auth", b"creator carol", acl=CREATOR_ALL_ACL)

    z.create("/multi", b"")
    z.create("/multi/pre", b"deleted by the multi")
    t = z.transaction()
    t.create("/multi/a", b"a")
    t.create("/multi/b", b"b")
    t.set_data("/multi", b"after multi")
    t.delete("/multi/pre")
    t.check("/multi/a", 0)
    res = t.commit()
    if any(isinstance(r, Exception) for r in res):
        raise RuntimeError("multi failed: %r" % (res,))
    z.stop()
    z.close()
    return man, s1


STAT_FIELDS = ("czxid", "mzxid", "ctime", "mtime", "version", "cversion", "aversion",
               "ephemeralOwner", "dataLength", "numChildren", "pzxid")


def dump(hosts):
    """{path: {data, stat, acl, children}} for the whole tree, read as super."""
    zk = client(hosts, auth=SUPER_AUTH)
    nodes = {}
    try:
        todo = ["/"]
        while todo:
            path = todo.pop()
            data, st = zk.get(path)
            acl, _ = zk.get_acls(path)
            kids = zk.get_children(path)       # the server's order, kept
            nodes[path] = {
                "data": (data or b"").hex(),
                "stat": {f: getattr(st, f) for f in STAT_FIELDS},
                "acl": [[a.perms, a.id.scheme, a.id.id] for a in acl],
                "children": kids,
            }
            todo.extend(reversed([(path.rstrip("/") + "/" + k) for k in kids]))
    finally:
        zk.stop()
        zk.close()
    return {"nodes": nodes}


def diff(a, b, child_order=True):
    """Differences between two dumps, one string each; [] if identical.

    child_order=False: children compare as sets. Java's children are a
    HashSet, and a server that loads a snapshot written mid-way re-inserts
    them in the snapshot's order, so Java itself lists them differently
    after such a restart (java -> java shows it)."""
    out = []
    na, nb = a["nodes"], b["nodes"]
    for p in sorted(set(na) - set(nb)):
        out.append("%s: only in the first dump" % p)
    for p in sorted(set(nb) - set(na)):
        out.append("%s: only in the second dump" % p)
    for p in sorted(set(na) & set(nb)):
        x, y = na[p], nb[p]
        if x["data"] != y["data"]:
            out.append("%s: data %s... != %s..." % (p, x["data"][:40], y["data"][:40]))
        for f in STAT_FIELDS:
            if x["stat"][f] != y["stat"][f]:
                out.append("%s: stat.%s %s != %s" % (p, f, x["stat"][f], y["stat"][f]))
        if x["acl"] != y["acl"]:
            out.append("%s: acl %s != %s" % (p, x["acl"], y["acl"]))
        if x["children"] != y["children"]:
            if sorted(x["children"]) == sorted(y["children"]):
                if child_order:
                    out.append(
                        "%s: same children in another order: %s != %s" % (p, x["children"], y["children"]))
            else:
                out.append("%s: children %s != %s" % (p, x["children"], y["children"]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("--hosts", required=True)
    b.add_argument("--manifest")
    b.add_argument("--session-timeout", type=float, default=15.0)
    d = sub.add_parser("dump")
    d.add_argument("--hosts", required=True)
    d.add_argument("--out")
    c = sub.add_parser("diff")
    c.add_argument("a")
    c.add_argument("b")
    a = ap.parse_args()
    if a.cmd == "build":
        man, _s1 = build(a.hosts, a.session_timeout)
        text = json.dumps(man, indent=1)
        if a.manifest:
            with open(a.manifest, "w") as f:
                f.write(text + "\n")
        else:
            print(text, flush=True)
        sys.stdout.flush()
        os._exit(0)      # leaves S1 open: no closeSession
    if a.cmd == "dump":
        text = json.dumps(dump(a.hosts), indent=1, sort_keys=True)
        if a.out:
            with open(a.out, "w") as f:
                f.write(text + "\n")
        else:
            print(text)
        return 0
    with open(a.a) as f:
        x = json.load(f)
    with open(a.b) as f:
        y = json.load(f)
    lines = diff(x, y)
    for line in lines:
        print(line)
    print("%d nodes, %d differences" % (len(x["nodes"]), len(lines)))
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
