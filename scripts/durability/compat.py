"""dataDir compatibility: one server writes a tree, a (possibly other) server
starts on a copy of its dataDir, and the two dumps over the wire must be equal.

Run through scripts/datadir-compat (which sets up the temp dir and PID dir).

    compat.py --from java|zkserver --to java|zkserver [--zkserver PATH]
              --workdir DIR [--variants clean,kill9,torn] [--out DIR]
              [--no-expiry-check]

Variants, for how the first server stops:
  clean  SIGTERM
  kill9  SIGKILL right after the dump
  torn   SIGKILL, then a torn record is written after the last complete one in
         the newest log of the copy (a crc, a length of 60 and 20 bytes of a
         record, the rest of the preallocated zeros): a crash in the middle of
         appending a transaction that was never acknowledged. The second server
         must start and serve exactly the dumped tree.
After the dump of the second server (unless --no-expiry-check): the ephemerals
of S1 (its client was still connected when the first server stopped, and never
reconnects) must expire; /container-reap must be reaped once the checker deletes
its child; /ttl-reap must be reaped after its TTL (the ContainerManager runs every
second: znode.container.checkIntervalMs=1000). Bounded by max(3 x the session
timeout, the TTL) + 20 s.
"""
import argparse
import logging
import json
import os
import shutil
import signal
import struct
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tree  # noqa: E402
from zkproc import Server, datadir_files, free_port, log  # noqa: E402

PROPS = {"zookeeper.extendedTypesEnabled": "true",
         # the ContainerManager (containers and TTL nodes) checks every second
         "znode.container.checkIntervalMs": "1000"}
CFG = {}


def log_records(path):
    """(end offset of the last complete record, number of records) of a Java txn log."""
    with open(path, "rb") as f:
        b = f.read()
    magic, version, _dbid = struct.unpack_from(">iiq", b, 0)
    if magic != 0x5A4B4C47:
        raise ValueError("%s: not a txn log (magic 0x%x)" % (path, magic))
    off, n = 16, 0
    while off + 12 <= len(b):
        _crc, length = struct.unpack_from(">qi", b, off)
        if length <= 0 or off + 12 + length + 1 > len(b) or b[off + 12 + length] != 0x42:
            break
        off += 12 + length + 1
        n += 1
    return off, n


def tear_tail(datadir):
    d = os.path.join(datadir, "version-2")
    logs = sorted((int(n.split(".")[1], 16), n) for n in os.listdir(d) if n.startswith("log."))
    if not logs:
        raise RuntimeError("no txn log in %s" % d)
    path = os.path.join(d, logs[-1][1])
    end, n = log_records(path)
    torn = struct.pack(">qi", 0x0123456789ABCDEF, 60) + bytes(range(1, 21))
    with open(path, "r+b") as f:
        f.seek(end)
        f.write(torn)
    return "%s: %d complete records, %d torn bytes written at offset %d" % (
        logs[-1][1], n, len(torn), end)


def expiry_checks(a, variant, dst, dump_b, s1, t_start, t_built):
    """After the restart: S1's ephemerals expire, /container-reap goes once its
    child is deleted, /ttl-reap goes after its TTL. Returns failures."""
    failures = []
    alive = [p for p, n in dump_b["nodes"].items() if n["stat"]["ephemeralOwner"] == s1]
    if not alive:
        failures.append("%s: no ephemeral of the open session 0x%x after the restart" % (variant, s1))
    watch = {"S1's ephemerals %s" % " ".join(alive): (alive, t_start),
             "/container-reap (child deleted after the dump)": (["/container-reap"], None),
             "/ttl-reap (TTL %.0f s)" % (tree.REAP_TTL_MS / 1000.0): (["/ttl-reap"], t_built)}
    for what, (paths, _) in list(watch.items()):
        if not paths or not all(p in dump_b["nodes"] for p in paths):
            failures.append("%s: %s missing from the second dump" % (variant, what))
            del watch[what]
    limit = max(3 * a.session_timeout, tree.REAP_TTL_MS / 1000.0) + 20
    zk = tree.client(dst.hosts)
    try:
        t_deleted = time.monotonic()
        zk.delete("/container-reap/child")
        watch["/container-reap (child deleted after the dump)"] = (["/container-reap"], t_deleted)
        pending = dict(watch)
        while pending and time.monotonic() - t_start < limit:
            for what, (paths, since) in list(pending.items()):
                if not any(zk.exists(p) for p in paths):
                    print("[%s] %s: gone %.1fs after %s" % (
                        variant, what, time.monotonic() - since,
                        "the second server started" if since is t_start else
                        "the child was deleted" if since is t_deleted else "it was created"), flush=True)
                    del pending[what]
            time.sleep(0.25)
    finally:
        zk.stop()
        zk.close()
    for what in pending:
        failures.append("%s: %s still there %.0fs after the restart" % (variant, what, limit))
        print("[%s] FAIL %s still there %.0fs after the second server started" % (variant, what, limit), flush=True)
    return failures


def run_variant(a, variant, report):
    vdir = os.path.join(a.workdir, variant)
    os.makedirs(vdir)
    src = Server(a.src, vdir, os.path.join(vdir, "data-" + a.src), name="first-" + a.src,
                 zkserver=a.zkserver, props=PROPS, cfg=CFG)
    dst = None
    s1 = None
    failures = []
    try:
        src.start()
        man, s1 = tree.build(src.hosts, a.session_timeout)
        t_built = time.monotonic()
        dump_a = tree.dump(src.hosts)
        sig = signal.SIGTERM if variant == "clean" else signal.SIGKILL
        rc = src.stop(sig)
        files = datadir_files(src.datadir)
        s1_id = man["s1"]
        # S1's client must not reach the second server: it only knows the first
        # one's port, and is stopped now (no server to send closeSession to).
        s1.stop()
        s1.close()
        s1 = None
        copy = os.path.join(vdir, "data-copy-for-" + a.dst)
        shutil.copytree(src.datadir, copy)
        note = ""
        if variant == "torn":
            note = tear_tail(copy)
        port = free_port()
        while port == src.port:
            port = free_port()
        dst = Server(a.dst, vdir, copy, name="second-" + a.dst, zkserver=a.zkserver,
                     props=PROPS, cfg=CFG, port=port)
        t_start = time.monotonic()
        dst.start()
        dump_b = tree.dump(dst.hosts)
        t_dumped = time.monotonic() - t_start
        for name, d in (("first", dump_a), ("second", dump_b)):
            with open(os.path.join(vdir, "%s.json" % name), "w") as f:
                json.dump(d, f, indent=1, sort_keys=True)
        # With snapshots taken during the build the second server reloads
        # children from one, in its order (Java does the same).
        diffs = tree.diff(dump_a, dump_b, child_order=not a.snap_count)
        print("[%s] %s -> %s: first stopped with %s (exit %s); version-2: %s" % (
            variant, a.src, a.dst, signal.Signals(sig).name, rc,
            " ".join("%s:%d" % f for f in files)), flush=True)
        if note:
            print("[%s] torn tail: %s" % (variant, note), flush=True)
        if a.snapshot_compression:
            # The newest snapshot the first server wrote with data in it, which
            # the second must have loaded.
            ext = "." + a.snapshot_compression
            written = sorted((int(n.split(".")[1], 16), n) for n, _ in files
                             if n.startswith("snapshot.") and n.endswith(ext))
            newest = written[-1][1] if written and written[-1][0] > 0 else None
            loaded = newest is not None and ("/" + newest) in dst.log_text()
            print("[%s] %s snapshots written: %s; the second server loaded %s: %s" % (
                variant, ext, " ".join(n for _, n in written) or "none", newest, "yes" if loaded else "NO"), flush=True)
            if not loaded:
                failures.append("%s: the second server did not load a %s snapshot with data" % (variant, ext))
        print("[%s] second server dumped %d nodes %.1fs after its start: %s" % (
            variant, len(dump_b["nodes"]), t_dumped,
            "identical to the first dump" if not diffs else "%d differences" % len(diffs)), flush=True)
        for line in diffs:
            print("[%s]   DIFF %s" % (variant, line), flush=True)
        failures += ["%s: %s" % (variant, line) for line in diffs]
        interesting = [ln.strip() for ln in dst.log_text().splitlines()
                       if any(w in ln for w in ("partial", "CRC", "corrupt", "Truncat", "EOF", "Snapshotting",
                                                 "Reading snapshot", "loadData", "expir"))]
        for ln in interesting[:12]:
            print("[%s]   second server log: %s" % (variant, ln[:220]), flush=True)
        # Both servers check the tree digest written with every txn and snapshot.
        digest_trouble = [ln.strip() for ln in dst.log_text().splitlines()
                          if any(w in ln for w in ("digest mismatch", "Digests are not matching",
                                                   "EOF exception while reading the digest",
                                                   "tree digest differs"))]
        for ln in digest_trouble[:5]:
            print("[%s]   DIGEST %s" % (variant, ln[:220]), flush=True)
        failures += ["%s: digest: %s" % (variant, ln[:200]) for ln in digest_trouble]
        if not a.no_expiry_check:
            failures += expiry_checks(a, variant, dst, dump_b, int(s1_id, 16), t_start, t_built)
        rc2 = dst.stop(signal.SIGTERM)
        report.append((variant, len(dump_b["nodes"]), len(diffs), rc2))
        if a.out:
            os.makedirs(a.out, exist_ok=True)
            for name in ("first", "second"):
                shutil.copy(os.path.join(vdir, "%s.json" % name),
                            os.path.join(a.out, "%s-%s-to-%s.%s.json" % (variant, a.src, a.dst, name)))
    except Exception as e:  # noqa: BLE001
        failures.append("%s: %s: %s" % (variant, type(e).__name__, e))
        print("[%s] FAIL %s: %s" % (variant, type(e).__name__, e), flush=True)
        traceback.print_exc()
    finally:
        if s1 is not None:
            try:
                s1.stop()
                s1.close()
            except Exception:  # noqa: BLE001
                pass
        src.stop(signal.SIGKILL)
        if dst:
            dst.stop(signal.SIGKILL)
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--from", dest="src", choices=("java", "zkserver"), required=True)
    ap.add_argument("--to", dest="dst", choices=("java", "zkserver"), required=True)
    ap.add_argument("--zkserver")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--variants", default="clean,kill9,torn")
    ap.add_argument("--session-timeout", type=float, default=15.0)
    ap.add_argument("--no-expiry-check", action="store_true")
    ap.add_argument("--out")
    ap.add_argument("--snapshot-compression", help="gz or snappy, for both servers")
    ap.add_argument("--snap-count", type=int, help="snapCount for both servers (snapshots during the build)")
    a = ap.parse_args()
    if a.snapshot_compression:
        PROPS["zookeeper.snapshot.compression.method"] = a.snapshot_compression
    if a.snap_count:
        CFG["snapCount"] = str(a.snap_count)
    logging.basicConfig(level=logging.CRITICAL)   # kazoo's reconnect chatter after a kill
    a.workdir = os.path.join(os.path.abspath(a.workdir), "%s-to-%s" % (a.src, a.dst))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    failures, report = [], []
    for v in a.variants.split(","):
        if v not in ("clean", "kill9", "torn"):
            print("unknown variant %s" % v)
            return 2
        failures += run_variant(a, v, report)
    print("datadir-compat %s -> %s: %s" % (a.src, a.dst, ", ".join(
        "%s %d nodes %s" % (v, n, "identical" if d == 0 else "%d diffs" % d) for v, n, d, _ in report)
        or "nothing ran"), flush=True)
    for f in failures:
        print("FAIL %s" % f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
