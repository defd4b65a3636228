#!/usr/bin/env python3
"""Writes a ZooKeeper snapshot file (Java's FileSnap format, no digest) holding
a tree of N znodes under /bench: /bench/pNNNN/cNNNN, 1000 children per parent,
each with DATA bytes of data. Used to time recovery of a large dataDir.

    snapgen.py OUT_FILE NODES [DATA]
"""
import struct
import sys
import zlib

ZXID = 1
TIME = 1_700_000_000_000


def ustring(text):
    raw = text.encode()
    return struct.pack(">i", len(raw)) + raw


def buffer(raw):
    return struct.pack(">i", len(raw)) + raw


def stat(pzxid=ZXID, cversion=0):
    # czxid, mzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner, pzxid
    return struct.pack(">qqqqiiiqq", ZXID, ZXID, TIME, TIME, 0, cversion, 0, 0, pzxid)


def node(path, data, acl, cversion=0):
    return ustring(path) + buffer(data) + struct.pack(">q", acl) + stat(cversion=cversion)


def main():
    out, count = sys.argv[1], int(sys.argv[2])
    data = b"x" * (int(sys.argv[3]) if len(sys.argv) > 3 else 100)
    parents = max(1, (count + 999) // 1000)
    parts = [struct.pack(">iiq", 0x5A4B534E, 2, -1)]          # ZKSN, version 2, dbid -1
    parts.append(struct.pack(">i", 0))                           # no sessions
    # ACL cache: index 1 = world:anyone:r for /zookeeper/config; -1 is OPEN_ACL_UNSAFE.
    parts.append(struct.pack(">i", 1) + struct.pack(">q", 1) + struct.pack(">i", 1)
                 + struct.pack(">i", 1) + ustring("world") + ustring("anyone"))
    parts.append(node("", b"", -1, cversion=2))
    parts.append(node("/zookeeper", b"", -1))
    parts.append(node("/zookeeper/quota", b"", -1))
    parts.append(node("/zookeeper/config", b"", 1))
    parts.append(node("/bench", b"", -1, cversion=parents))
    made = 0
    for p in range(parents):
        children = min(1000, count - made)
        parts.append(node("/bench/p%04d" % p, b"", -1, cversion=children))
        for c in range(children):
            parts.append(node("/bench/p%04d/c%04d" % (p, c), data, -1))
        made += children
    parts.append(ustring("/"))
    body = b"".join(parts)
    seal = struct.pack(">q", zlib.adler32(body) & 0xFFFFFFFF) + ustring("/")
    with open(out, "wb") as f:
        f.write(body + seal)


if __name__ == "__main__":
    main()
