"""Crash test: kill -9 a server while clients write, restart it on the same
dataDir and zoo.cfg, check that every acknowledged write survived.

Run through scripts/crash-test (which sets up the temp dir and the PID dir).

    crash.py run --server java|zkserver [--zkserver PATH] --workdir DIR
                 [--kills N] [--clients C] [--multi M] [--seed X] ...
    crash.py writer --hosts H:P --kind seq|multi --client N --ack FILE

Writers (one process each):
  seq   client N: create /crash/cN/k- (SEQUENTIAL, data "i"), then setData
        /crash/cN to "i", for i = 0, 1, 2, ...; each acknowledgement is
        appended to its ack file ("create i NAME", "set i MZXID VERSION") only
        after the reply arrived.
  multi client N: multi{create /crash/mN/a-j, create /crash/mN/b-j, setData
        /crash/mN "j"} for j = 0, 1, 2, ...; "multi j" logged on reply.
A writer exits at its first error (the server was killed), without closing its
session and without reconnecting. After a restart a writer resumes from what
the server has (the write in flight at the kill may or may not be there).
"""
import argparse
import logging
import json
import os
import random
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zkproc import Server, log, four_letter, datadir_files  # noqa: E402

OP_TIMEOUT = 20.0
SEQ_NAME = re.compile(r"^k-(\d{10})$")
MULTI_NAME = re.compile(r"^([ab])-(\d{10})$")


# ---------------------------------------------------------------- writer side

def writer_main(a):
    from kazoo.client import KazooClient

    out = open(a.ack, "a", buffering=1)

    def ack(line):
        out.write(line + "\n")
        out.flush()

    zk = KazooClient(hosts=a.hosts, timeout=10.0, connection_retry=None, command_retry=None)
    try:
        zk.start(timeout=15)
    except Exception as e:  # noqa: BLE001
        ack("error connect %r" % e)
        os._exit(1)
    try:
        if a.kind == "seq":
            parent = "/crash/c%d" % a.client
            zk.ensure_path(parent)
            kids = zk.get_children(parent)
            m = max([int(SEQ_NAME.match(k).group(1)) for k in kids], default=-1)
            data, _ = zk.get(parent)
            v = int(data) if data else -1
            ack("ready m=%d v=%d" % (m, v))
            if v < m:       # the create of the last step landed, its setData not
                st = zk.set_async(parent, b"%d" % m).get(timeout=OP_TIMEOUT)
                ack("set %d %d %d" % (m, st.mzxid, st.version))
            i = m + 1
            while True:
                name = zk.create_async(parent + "/k-", b"%d" % i, sequence=True).get(timeout=OP_TIMEOUT)
                ack("create %d %s" % (i, name.rsplit("/", 1)[1]))
                if name != "%s/k-%010d" % (parent, i):
                    ack("error sequence number: step %d got %s" % (i, name))
                    os._exit(3)
                st = zk.set_async(parent, b"%d" % i).get(timeout=OP_TIMEOUT)
                ack("set %d %d %d" % (i, st.mzxid, st.version))
                i += 1
        else:
            parent = "/crash/m%d" % a.client
            zk.ensure_path(parent)
            kids = zk.get_children(parent)
            m = max([int(MULTI_NAME.match(k).group(2)) for k in kids], default=-1)
            ack("ready m=%d" % m)
            j = m + 1
            while True:
                t = zk.transaction()
                t.create("%s/a-%010d" % (parent, j), b"%d" % j)
                t.create("%s/b-%010d" % (parent, j), b"%d" % j)
                t.set_data(parent, b"%d" % j)
                res = t.commit_async().get(timeout=OP_TIMEOUT)
                bad = [r for r in res if isinstance(r, Exception)]
                if bad:
                    ack("error multi %d: %r" % (j, res))
                    os._exit(3)
                ack("multi %d %d %d" % (j, res[2].mzxid, res[2].version))
                j += 1
    except Exception as e:  # noqa: BLE001  (connection loss when the server dies)
        ack("stopped %s" % type(e).__name__)
    out.close()
    os._exit(0)  # no closeSession, no reconnect to the restarted server


# ---------------------------------------------------------------- checker side

class Failure(Exception):
    pass


def read_acks(path):
    acks = {"create": {}, "set": {}, "multi": {}, "errors": [], "stopped": None}
    if not os.path.exists(path):
        return acks
    with open(path) as f:
        for line in f:
            w = line.split()
            if not w:
                continue
            if w[0] == "create":
                acks["create"][int(w[1])] = w[2]
            elif w[0] in ("set", "multi"):
                acks[w[0]][int(w[1])] = (int(w[2]), int(w[3]))
            elif w[0] == "error":
                acks["errors"].append(line.strip())
            elif w[0] == "stopped":
                acks["stopped"] = w[1]
    return acks


class ClientState:
    """What has been verified for one writer so far (cumulative)."""

    def __init__(self, kind, n):
        self.kind = kind
        self.n = n
        self.parent = "/crash/%s%d" % ("c" if kind == "seq" else "m", n)
        self.m = -1               # highest index present at the last check
        self.v = -1               # parent's value at the last check
        self.acked_create = -1    # highest acknowledged create / multi index, ever
        self.acked_set = -1       # highest acknowledged setData index, ever
        self.acked_total = 0      # acknowledged writes, ever

    def check(self, zk, acks, errors):
        """Check against the server after a restart; returns (acks this round, extras)."""
        from kazoo.exceptions import NoNodeError
        prefix = "%s:" % self.parent

        def fail(msg):
            errors.append("%s %s" % (prefix, msg))

        try:
            kids = zk.get_children(self.parent)
            pdata, pst = zk.get(self.parent)
        except NoNodeError:
            kids, pdata, pst = None, None, None
        round_acks = len(acks["create"]) + len(acks["set"]) + len(acks["multi"])
        for e in acks["errors"]:
            fail("writer reported: %s" % e)
        if kids is None:
            if self.acked_total or round_acks:
                fail("parent node missing after acknowledged writes")
            self.acked_total += round_acks
            return round_acks, 0
        v = int(pdata) if pdata else -1
        extras = 0
        if self.kind == "seq":
            idx = []
            for k in kids:
                mt = SEQ_NAME.match(k)
                if not mt:
                    fail("unexpected child %s" % k)
                    continue
                idx.append(int(mt.group(1)))
            idx.sort()
            m = idx[-1] if idx else -1
            if idx != list(range(m + 1)):
                missing = sorted(set(range(m + 1)) - set(idx))
                fail("children not a gapless prefix: %d present, highest %d, missing %s" % (
                    len(idx), m, missing[:10]))
            for i in idx:
                d, _ = zk.get("%s/k-%010d" % (self.parent, i))
                if d != b"%d" % i:
                    fail("k-%010d has data %r, expected %r" % (i, d, b"%d" % i))
            acked_c = max([self.acked_create] + list(acks["create"]))
            acked_s = max([self.acked_set] + list(acks["set"]))
            for i, name in acks["create"].items():
                if name != "k-%010d" % i:
                    fail("acknowledged create %d named %s" % (i, name))
            if acked_c > m:
                fail("acknowledged create k-%010d missing (highest present %d)" % (acked_c, m))
            base_c = max(self.m, acked_c)
            if m > base_c + 1:
                fail("%d creates present beyond the last acknowledged (at most 1 in flight)" % (m - base_c))
            extras += max(0, m - base_c)
            # setData value: step i's setData is sent after create i's reply and
            # before create i+1, so the value is m or m-1, never below an ack.
            if v not in (m, m - 1):
                fail("value %d inconsistent with highest child %d (expected %d or %d)" % (v, m, m - 1, m))
            if v < acked_s:
                fail("acknowledged setData %d lost: value is %d" % (acked_s, v))
            base_s = max(self.v, acked_s)
            if v > base_s + 1:
                fail("value %d beyond the last acknowledged setData %d + 1" % (v, base_s))
            extras += max(0, v - base_s)
            if pst.version != v + 1:
                fail("parent version %d, expected %d (one setData per step)" % (pst.version, v + 1))
            if v >= 0 and v in acks["set"]:
                mz, ver = acks["set"][v]
                if (pst.mzxid, pst.version) != (mz, ver):
                    fail("parent mzxid/version 0x%x/%d, acknowledged 0x%x/%d" % (pst.mzxid, pst.version, mz, ver))
            self.acked_create, self.acked_set = acked_c, acked_s
        else:
            a, b = set(), set()
            for k in kids:
                mt = MULTI_NAME.match(k)
                if not mt:
                    fail("unexpected child %s" % k)
                    continue
                (a if mt.group(1) == "a" else b).add(int(mt.group(2)))
            if a != b:
                fail("half-applied multi: a-only %s, b-only %s" % (sorted(a - b)[:10], sorted(b - a)[:10]))
            m = max(a | b, default=-1)
            if sorted(a) != list(range(m + 1)):
                fail("multi steps not a gapless prefix: %d present, highest %d" % (len(a), m))
            for j in sorted(a | b):
                for side in ("a", "b"):
                    if j in (a if side == "a" else b):
                        d, _ = zk.get("%s/%s-%010d" % (self.parent, side, j))
                        if d != b"%d" % j:
                            fail("%s-%010d has data %r" % (side, j, d))
            acked = max([self.acked_create] + list(acks["multi"]))
            if acked > m:
                fail("acknowledged multi %d missing (highest present %d)" % (acked, m))
            base = max(self.m, acked)
            if m > base + 1:
                fail("%d multis present beyond the last acknowledged" % (m - base))
            extras += max(0, m - base)
            if v != m:
                fail("half-applied multi: parent value %d but highest step %d" % (v, m))
            if pst.version != m + 1:
                fail("parent version %d, expected %d" % (pst.version, m + 1))
            if m >= 0 and m in acks["multi"]:
                mz, ver = acks["multi"][m]
                if (pst.mzxid, pst.version) != (mz, ver):
                    fail("parent mzxid/version 0x%x/%d, acknowledged 0x%x/%d" % (pst.mzxid, pst.version, mz, ver))
            self.acked_create = acked
        self.m, self.v = m, v
        self.acked_total += round_acks
        return round_acks, extras

    def snapshot(self, zk):
        from kazoo.exceptions import NoNodeError
        try:
            kids = sorted(zk.get_children(self.parent))
            data, st = zk.get(self.parent)
        except NoNodeError:
            return None
        return {"children": kids, "data": data.decode(), "version": st.version,
                "cversion": st.cversion, "mzxid": st.mzxid, "pzxid": st.pzxid}


def connect(hosts):
    from kazoo.client import KazooClient
    zk = KazooClient(hosts=hosts, timeout=10.0)
    zk.start(timeout=20)
    return zk


def run_main(a):
    rng = random.Random(a.seed)
    workdir = os.path.abspath(a.workdir)
    datadir = os.path.join(workdir, "data")
    cfg = {"snapCount": str(a.snap_count)}
    for kv in a.cfg:
        k, _, v = kv.partition("=")
        cfg[k] = v
    srv = Server(a.server, workdir, datadir, name="crash", zkserver=a.zkserver, cfg=cfg)
    clients = [ClientState("seq", n) for n in range(a.clients)] + \
              [ClientState("multi", n) for n in range(a.multi)]
    piddir = os.environ.get("DUR_PIDDIR")
    print("crash-test: server=%s seed=%s kills=%d clients=%d seq + %d multi, delay %.2f..%.2fs, zoo.cfg extras %s" % (
        a.server, a.seed, a.kills, a.clients, a.multi, a.min_delay, a.max_delay,
        " ".join("%s=%s" % kv for kv in cfg.items())), flush=True)

    writers = []

    def stop_writers(timeout):
        deadline = time.monotonic() + timeout
        for p, _ in writers:
            try:
                p.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log("writer pid %d still running: SIGKILL" % p.pid)
                p.kill()
                p.wait(5)
            if piddir:
                try:
                    os.unlink(os.path.join(piddir, str(p.pid)))
                except FileNotFoundError:
                    pass
        writers.clear()

    totals = {"acks": 0, "checked": 0, "extras": 0}
    failures = []
    try:
        srv.start()
        zk = connect(srv.hosts)
        zk.ensure_path("/crash")
        zk.stop()
        zk.close()
        print("%-5s %7s %6s %6s %7s %8s %10s  %s" % (
            "kill", "delay", "acks", "extras", "checked", "recovery", "zxid", "version-2 after kill"), flush=True)
        for k in range(1, a.kills + 1):
            delay = rng.uniform(a.min_delay, a.max_delay)
            ackfiles = []
            for c in clients:
                path = os.path.join(workdir, "ack-%s%d-%d.log" % (c.kind, c.n, k))
                ackfiles.append(path)
                p = subprocess.Popen([sys.executable, os.path.abspath(__file__), "writer",
                                      "--hosts", srv.hosts, "--kind", c.kind, "--client", str(c.n),
                                      "--ack", path],
                                     stdin=subprocess.DEVNULL,
                                     stdout=open(path + ".out", "w"), stderr=subprocess.STDOUT)
                writers.append((p, path))
                if piddir:
                    open(os.path.join(piddir, str(p.pid)), "w").close()
            # all writers connected and writing before the clock starts
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                ready = 0
                for p, path in writers:
                    if os.path.exists(path) and os.path.getsize(path) > 0:
                        ready += 1
                    if p.poll() is not None and not (os.path.exists(path) and os.path.getsize(path) > 0):
                        raise Failure("writer for %s exited early, see %s.out" % (path, path))
                if ready == len(writers):
                    break
                time.sleep(0.02)
            else:
                raise Failure("writers not ready after 30 s")
            time.sleep(delay)
            srv.kill9()
            stop_writers(30)
            after_kill = datadir_files(datadir)
            recovery = srv.start()
            zxid = "?"
            try:
                m = re.search(r"Zxid: (0x[0-9a-f]+)", four_letter(srv.port, "srvr"))
                zxid = m.group(1) if m else "?"
            except OSError:
                pass
            errors = []
            round_acks = round_extras = 0
            zk = connect(srv.hosts)
            try:
                for c, path in zip(clients, ackfiles):
                    n_acks, n_extra = c.check(zk, read_acks(path), errors)
                    round_acks += n_acks
                    round_extras += n_extra
            finally:
                zk.stop()
                zk.close()
            checked = sum(c.acked_total for c in clients)
            totals["acks"] += round_acks
            totals["checked"] += checked
            totals["extras"] += round_extras
            files = " ".join("%s:%d" % f for f in after_kill)
            print("%-5d %6.2fs %6d %6d %7d %7.2fs %10s  %s" % (
                k, delay, round_acks, round_extras, checked, recovery, zxid, files), flush=True)
            for line in srv.log_text().splitlines():
                if re.search(r"partial|CRC|corrupt|truncat|Unreasonable|EOF", line, re.I):
                    print("      server log: %s" % line.strip()[:200], flush=True)
            for e in errors:
                print("      FAIL %s" % e, flush=True)
            failures += ["kill %d: %s" % (k, e) for e in errors]
            if errors and a.stop_on_failure:
                break
        # a clean stop and start must keep exactly the same state
        zk = connect(srv.hosts)
        before = {c.parent: c.snapshot(zk) for c in clients}
        zk.stop()
        zk.close()
        rc = srv.stop(signal.SIGTERM)
        srv.start()
        zk = connect(srv.hosts)
        after = {c.parent: c.snapshot(zk) for c in clients}
        zk.stop()
        zk.close()
        if before != after:
            diff = [p for p in before if before[p] != after.get(p)]
            failures.append("clean restart (SIGTERM rc=%s) changed %s" % (rc, diff))
            print("FAIL clean restart changed %s" % diff, flush=True)
        else:
            print("clean SIGTERM stop (rc=%s) and restart: state unchanged" % rc, flush=True)
        srv.stop(signal.SIGTERM)
    except Failure as e:
        failures.append(str(e))
    finally:
        for p, _ in writers:
            if p.poll() is None:
                p.kill()
        stop_writers(5)
        srv.stop(signal.SIGKILL)
    print("crash-test summary: server=%s seed=%s kills=%d acknowledged writes=%d "
          "acknowledged writes checked=%d (cumulative over the checks) extras (applied, not acknowledged)=%d failures=%d" % (
              a.server, a.seed, a.kills, totals["acks"], totals["checked"], totals["extras"], len(failures)),
          flush=True)
    for f in failures:
        print("FAIL %s" % f)
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("writer")
    w.add_argument("--hosts", required=True)
    w.add_argument("--kind", choices=("seq", "multi"), required=True)
    w.add_argument("--client", type=int, required=True)
    w.add_argument("--ack", required=True)
    r = sub.add_parser("run")
    r.add_argument("--server", choices=("java", "zkserver"), default="java")
    r.add_argument("--zkserver")
    r.add_argument("--workdir", required=True)
    r.add_argument("--kills", type=int, default=5)
    r.add_argument("--clients", type=int, default=4)
    r.add_argument("--multi", type=int, default=1)
    r.add_argument("--seed", type=int, default=None)
    r.add_argument("--min-delay", type=float, default=0.2)
    r.add_argument("--max-delay", type=float, default=3.0)
    r.add_argument("--snap-count", type=int, default=1000)
    r.add_argument("--cfg", action="append", default=[])
    r.add_argument("--stop-on-failure", action="store_true")
    a = ap.parse_args()
    logging.basicConfig(level=logging.CRITICAL)   # kazoo's reconnect chatter after a kill
    if a.cmd == "writer":
        writer_main(a)
        return 0
    if a.seed is None:
        a.seed = random.SystemRandom().randrange(1, 2**31)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    return run_main(a)


if __name__ == "__main__":
    sys.exit(main())
