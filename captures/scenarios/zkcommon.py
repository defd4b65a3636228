"""Shared helpers for the capture scenarios.

* ZkServer: writes a zoo.cfg, starts a real Apache ZooKeeper 3.8.0 server
  (Debian package jars) with QuorumPeerMain, waits for it through the
  AdminServer HTTP port (8080, NOT captured, so readiness probes never show
  up in the pcaps), and stops it by PID with bounded waits.
* Transcript: JSON-lines writer.  One line per client action, written as the
  scenario runs, from what the client library returned.
* Kz: thin wrappers around kazoo calls that record one transcript line per
  wire request.
* run_java(): runs captures/java/Ops.java scenarios (compiled by record.sh),
  which append to the same transcript file.

Everything is relative to this file's location; the work directory (data
dirs, logs, pid files) comes from the ZK_WORKDIR environment variable that
record.sh sets to a fresh temporary directory.
"""

import base64
import hashlib
import json
import os
import queue
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
CAPTURES = os.path.dirname(HERE)
JAVA_DIR = os.path.join(CAPTURES, "java")
WORKDIR = os.environ.get("ZK_WORKDIR") or os.path.join("/tmp", "zkcap-%d" % os.getpid())

JARS = "/usr/share/java"
# zookeeper.jar's manifest Class-Path pulls in the rest of the Debian deps
# (netty, jackson, commons-cli/io, metrics-core, jetty9-*, snappy-java,
# zookeeper-jute, slf4j-api).  Debian does not ship a logging binding on the
# server classpath and the AdminServer needs the servlet API, so add those.
SERVER_JARS = [
    "zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar",
    "slf4j-log4j12.jar", "log4j-1.2.jar", "servlet-api.jar",
]

SUPER_USER = "super"
SUPER_PASSWORD = "superpw"


def digest_id(user, password):
    """user:base64(sha1(user:password)) as DigestAuthenticationProvider does."""
    d = hashlib.sha1(("%s:%s" % (user, password)).encode()).digest()
    return "%s:%s" % (user, base64.b64encode(d).decode())


SUPER_DIGEST = digest_id(SUPER_USER, SUPER_PASSWORD)

LOG4J = """log4j.rootLogger=INFO, CONSOLE
log4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender
log4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout
log4j.appender.CONSOLE.layout.ConversionPattern=%d{ISO8601} %-5p [%t:%C{1}@%L] - %m%n
"""


def log(msg):
    sys.stderr.write("[%s] %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


def classpath(extra=()):
    confdir = os.path.join(WORKDIR, "log4j")
    os.makedirs(confdir, exist_ok=True)
    with open(os.path.join(confdir, "log4j.properties"), "w") as f:
        f.write(LOG4J)
    return ":".join([confdir] + [os.path.join(JARS, j) for j in SERVER_JARS] + list(extra))


# ---------------------------------------------------------------- servers

class ZkServer:
    """One Java ZooKeeper server process.

    ensemble: None for standalone, else list of (myid, addr, role) for every
    member; role is "participant" or "observer".
    """

    def __init__(self, name, addr="127.0.0.1", myid=0, ensemble=None,
                 cfg=None, jvm_props=None, datadir=None):
        self.name = name
        self.addr = addr
        self.myid = myid
        self.ensemble = ensemble
        self.cfg = dict(cfg or {})
        self.jvm_props = dict(jvm_props or {})
        self.dir = os.path.join(WORKDIR, name)
        self.datadir = datadir or os.path.join(self.dir, "data")
        self.proc = None
        self.starts = 0

    def write_cfg(self):
        os.makedirs(self.datadir, exist_ok=True)
        lines = {
            "tickTime": "2000",
            "initLimit": "10",
            "syncLimit": "5",
            "dataDir": self.datadir,
            "clientPort": "2181",
            "clientPortAddress": self.addr,
            "4lw.commands.whitelist": "*",
            "admin.enableServer": "true",
            "admin.serverAddress": self.addr,
            "admin.serverPort": "8080",
            "preAllocSize": "64",
            "snapCount": "100000",
            "maxClientCnxns": "0",
        }
        if self.ensemble:
            for sid, a, role in self.ensemble:
                lines["server.%d" % sid] = "%s:2888:3888%s" % (
                    a, ":observer" if role == "observer" else "")
                if sid == self.myid and role == "observer":
                    lines["peerType"] = "observer"
            with open(os.path.join(self.datadir, "myid"), "w") as f:
                f.write("%d\n" % self.myid)
        lines.update(self.cfg)
        path = os.path.join(self.dir, "zoo.cfg")
        with open(path, "w") as f:
            for k, v in lines.items():
                if v is not None:
                    f.write("%s=%s\n" % (k, v))
        return path

    def start(self, wait=True, timeout=60):
        os.makedirs(self.dir, exist_ok=True)
        cfg = self.write_cfg()
        props = {
            "zookeeper.DigestAuthenticationProvider.superDigest": SUPER_DIGEST,
            "zookeeper.jmx.log4j.disable": "true",
        }
        props.update(self.jvm_props)
        cmd = ["java", "-Xmx256m", "-XX:+UseSerialGC", "-Djava.net.preferIPv4Stack=true"]
        cmd += ["-D%s=%s" % kv for kv in props.items()]
        cmd += ["-cp", classpath(), "org.apache.zookeeper.server.quorum.QuorumPeerMain", cfg]
        self.starts += 1
        logf = open(os.path.join(self.dir, "server-%d.log" % self.starts), "w")
        self.proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=self.dir)
        logf.close()
        # record.sh kills leftovers by these pid files if a scenario crashes
        with open(os.path.join(WORKDIR, "%s.pid" % self.name), "w") as f:
            f.write("%d\n" % self.proc.pid)
        log("started %s (pid %d) on %s" % (self.name, self.proc.pid, self.addr))
        if wait:
            self.wait_serving(timeout)
        return self

    def admin(self, command, timeout=2):
        url = "http://%s:8080/commands/%s" % (self.addr, command)
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return json.loads(r.read().decode())

    def serving(self):
        try:
            j = self.admin("srvr")
            return j.get("error") is None and "server_stats" in j
        except Exception:
            return False

    def state(self):
        """standalone / leader / follower / observer (or None)."""
        try:
            return self.admin("srvr")["server_stats"]["server_state"]
        except Exception:
            return None

    def wait_serving(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited early (rc=%s), see %s" % (
                    self.name, self.proc.returncode, self.dir))
            if self.serving():
                log("%s serving as %s" % (self.name, self.state()))
                return
            time.sleep(0.2)
        raise RuntimeError("%s not serving after %ss" % (self.name, timeout))

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if not self.proc or self.proc.poll() is not None:
            return
        log("stopping %s (pid %d) with %s" % (self.name, self.proc.pid, signal.Signals(sig).name))
        self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            log("%s did not exit, SIGKILL" % self.name)
            self.proc.kill()
            self.proc.wait(10)
        try:
            os.unlink(os.path.join(WORKDIR, "%s.pid" % self.name))
        except FileNotFoundError:
            pass

    def kill(self):
        self.stop(signal.SIGKILL)


def standalone(name="standalone", extended=True, cfg=None, jvm_props=None):
    c = {"extendedTypesEnabled": "true" if extended else None}
    c.update(cfg or {})
    return ZkServer(name, "127.0.0.1", cfg=c, jvm_props=jvm_props)


ENSEMBLE = [(1, "127.0.0.1", "participant"), (2, "127.0.0.2", "participant"),
            (3, "127.0.0.3", "participant"), (4, "127.0.0.4", "observer")]


def ensemble(cfg=None, jvm_props=None):
    return [ZkServer("zk%d" % sid, addr, myid=sid, ensemble=ENSEMBLE, cfg=cfg,
                     jvm_props=jvm_props) for sid, addr, _ in ENSEMBLE]


def start_all(servers, timeout=90):
    for s in servers:
        s.start(wait=False)
    for s in servers:
        s.wait_serving(timeout)


def stop_all(servers):
    for s in servers:
        try:
            s.stop()
        except Exception as e:  # keep stopping the others
            log("stop %s failed: %s" % (s.name, e))


# ---------------------------------------------------------------- transcript

def hexsid(sid):
    if sid is None:
        return None
    return "0x%x" % (sid & 0xFFFFFFFFFFFFFFFF)


STAT_FIELDS = ("czxid", "mzxid", "ctime", "mtime", "version", "cversion",
               "aversion", "ephemeralOwner", "dataLength", "numChildren", "pzxid")


def stat_dict(st):
    if st is None:
        return None
    if isinstance(st, dict):
        return {k: st[k] for k in STAT_FIELDS}
    return {k: getattr(st, k) for k in STAT_FIELDS}


class Transcript:
    def __init__(self, path, description):
        self.path = path
        with open(path, "w") as f:
            f.write(json.dumps({"op": "scenario", "description": description}) + "\n")

    def write(self, rec):
        with open(self.path, "a") as f:
            f.write(json.dumps(rec) + "\n")
        return rec

    def __call__(self, **rec):
        return self.write(rec)


# ---------------------------------------------------------------- kazoo

KAZOO_EVENT_TYPES = {"CREATED": 1, "DELETED": 2, "CHANGED": 3, "CHILD": 4, "NONE": -1}
KAZOO_STATES = {"CONNECTED": 3, "CONNECTED_RO": 5, "EXPIRED_SESSION": -112,
                "AUTH_FAILED": 4, "CONNECTING": 1, "ASSOCIATING": 2, "CLOSED": -1}


class Kz:
    """Records one transcript line per kazoo call (each call used here sends
    exactly one request on the wire)."""

    def __init__(self, t, hosts, timeout=10.0, **kw):
        from kazoo.client import KazooClient
        self.t = t
        self.events = queue.Queue()
        self.zk = KazooClient(hosts=hosts, timeout=timeout, **kw)

    def sid(self):
        try:
            cid = self.zk.client_id
            return hexsid(cid[0]) if cid else None
        except Exception:
            return None

    def start(self, timeout=15):
        self.zk.start(timeout=timeout)
        self.t(session=self.sid(), op="connect", err=0,
               note="kazoo session established (ConnectRequest/ConnectResponse)",
               negotiated_timeout=self.zk._session_timeout if hasattr(self.zk, "_session_timeout") else None)
        return self

    def watcher(self, ev):
        self.events.put(ev)

    def drain_events(self, expect=0, timeout=5.0):
        """Write the watch events kazoo delivered; wait for at least
        `expect` of them (bounded)."""
        got = 0
        deadline = time.time() + timeout
        while True:
            remaining = deadline - time.time()
            try:
                if got < expect and remaining > 0:
                    ev = self.events.get(timeout=remaining)
                else:
                    ev = self.events.get(timeout=0.3 if got >= expect else 0.01)
            except queue.Empty:
                break
            got += 1
            self.t(session=self.sid(), op="event",
                   event={"type": KAZOO_EVENT_TYPES.get(ev.type, ev.type),
                          "state": KAZOO_STATES.get(ev.state, ev.state),
                          "path": ev.path})
        if got < expect:
            raise RuntimeError("expected %d events, got %d" % (expect, got))
        return got

    def _do(self, rec, fn, post=None):
        rec = {"session": self.sid(), **rec}
        try:
            res = fn()
            rec["err"] = 0
            if post:
                post(rec, res)
        except Exception as e:  # kazoo exceptions for KeeperException codes carry .code
            code = getattr(e, "code", None)
            if code is None:
                raise
            rec["err"] = code
            res = e
        self.t.write(rec)
        return res

    def create(self, path, value=b"", acl=None, ephemeral=False, sequence=False,
               include_data=False, note=None):
        op = "create2" if include_data else "create"
        rec = {"op": op, "path": path, "data_len": len(value),
               "flags": (1 if ephemeral else 0) | (2 if sequence else 0)}
        if acl is not None:
            rec["acl"] = [{"perms": a.perms, "scheme": a.id.scheme, "id": a.id.id} for a in acl]
        if note:
            rec["note"] = note

        def post(r, res):
            if include_data:
                r["created_path"], r["stat"] = res[0], stat_dict(res[1])
            else:
                r["created_path"] = res
        return self._do(rec, lambda: self.zk.create(path, value, acl=acl, ephemeral=ephemeral,
                                                    sequence=sequence, include_data=include_data), post)

    def delete(self, path, version=-1):
        return self._do({"op": "delete", "path": path, "version": version},
                        lambda: self.zk.delete(path, version))

    def exists(self, path, watch=False):
        def post(r, res):
            r["stat"] = stat_dict(res)
        return self._do({"op": "exists", "path": path, "watch": watch},
                        lambda: self.zk.exists(path, watch=self.watcher if watch else None), post)

    def get(self, path, watch=False):
        def post(r, res):
            r["data_len"] = len(res[0])
            r["data"] = res[0].decode("utf-8", "replace")
            r["stat"] = stat_dict(res[1])
        return self._do({"op": "getData", "path": path, "watch": watch},
                        lambda: self.zk.get(path, watch=self.watcher if watch else None), post)

    def set(self, path, value, version=-1):
        def post(r, res):
            r["stat"] = stat_dict(res)
        return self._do({"op": "setData", "path": path, "version": version, "data_len": len(value)},
                        lambda: self.zk.set(path, value, version), post)

    def children(self, path, watch=False, include_data=False):
        op = "getChildren2" if include_data else "getChildren"

        def post(r, res):
            if include_data:
                r["children"], r["stat"] = sorted(res[0]), stat_dict(res[1])
            else:
                r["children"] = sorted(res)
        return self._do({"op": op, "path": path, "watch": watch},
                        lambda: self.zk.get_children(path, watch=self.watcher if watch else None,
                                                     include_data=include_data), post)

    def get_acls(self, path):
        def post(r, res):
            r["acl"] = [{"perms": a.perms, "scheme": a.id.scheme, "id": a.id.id} for a in res[0]]
            r["stat"] = stat_dict(res[1])
        return self._do({"op": "getACL", "path": path}, lambda: self.zk.get_acls(path), post)

    def set_acls(self, path, acls, version=-1):
        def post(r, res):
            r["stat"] = stat_dict(res)
        return self._do({"op": "setACL", "path": path, "version": version,
                         "acl": [{"perms": a.perms, "scheme": a.id.scheme, "id": a.id.id} for a in acls]},
                        lambda: self.zk.set_acls(path, acls, version), post)

    def sync(self, path):
        return self._do({"op": "sync", "path": path}, lambda: self.zk.sync(path))

    def add_auth(self, scheme, credential):
        return self._do({"op": "auth", "scheme": scheme, "credential": credential},
                        lambda: self.zk.add_auth(scheme, credential))

    def command(self, word):
        """4lw through kazoo: a separate short TCP connection."""
        res = self.zk.command(word.encode())
        self.t(session=None, op="fourletter", word=word, err=0, text=res)
        return res

    def stop(self):
        sid = self.sid()
        self.zk.stop()
        self.t(session=sid, op="closeSession", err=0)
        self.zk.close()


def kz_txn_results(results):
    out = []
    for r in results:
        if isinstance(r, Exception):
            out.append({"err": getattr(r, "code", None), "error": type(r).__name__})
        elif r is True:
            out.append({"err": 0})
        elif isinstance(r, str):
            out.append({"err": 0, "path": r})
        elif hasattr(r, "czxid"):
            out.append({"err": 0, "stat": stat_dict(r)})
        else:
            out.append({"err": 0, "value": repr(r)})
    return out


# ---------------------------------------------------------------- java

def run_java(transcript, scenario, *args, timeout=120, stdin_steps=None, wait=True):
    """Run `Ops <scenario> <transcript> args...`.  Ops appends its own lines
    to the transcript.  If wait is False the Popen is returned (the caller
    coordinates over stdin/stdout and must call finish_java)."""
    cp = ":".join([os.path.join(WORKDIR, "java-classes"), classpath()])
    cmd = ["java", "-Xmx128m", "-XX:+UseSerialGC", "-Djava.net.preferIPv4Stack=true",
           "-Dlog4j.configuration=file:" + os.path.join(WORKDIR, "log4j-client.properties"),
           "-cp", cp, "Ops", scenario, transcript.path] + [str(a) for a in args]
    with open(os.path.join(WORKDIR, "log4j-client.properties"), "w") as f:
        f.write(LOG4J.replace("INFO, CONSOLE", "WARN, CONSOLE"))
    errf = open(os.path.join(WORKDIR, "java-%s-%d.log" % (scenario, int(time.time() * 1000))), "w")
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errf,
                         text=True, bufsize=1)
    errf.close()
    p.java_scenario = scenario
    if not wait:
        return p
    return finish_java(p, timeout)


def java_expect(p, token, timeout=60):
    """Wait (bounded) for a line `token` on the Java program's stdout."""
    import select
    deadline = time.time() + timeout
    while time.time() < deadline:
        r, _, _ = select.select([p.stdout], [], [], max(0.0, deadline - time.time()))
        if not r:
            break
        line = p.stdout.readline()
        if not line:
            raise RuntimeError("java %s ended before %s" % (p.java_scenario, token))
        line = line.strip()
        log("java: %s" % line)
        if line == token:
            return
    raise RuntimeError("java %s: no %s within %ss" % (p.java_scenario, token, timeout))


def java_send(p, line):
    p.stdin.write(line + "\n")
    p.stdin.flush()


def finish_java(p, timeout=120):
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate(timeout=10)
        raise RuntimeError("java scenario %s timed out" % p.java_scenario)
    for line in (out or "").splitlines():
        log("java: %s" % line)
    if p.returncode != 0:
        raise RuntimeError("java scenario %s failed rc=%d" % (p.java_scenario, p.returncode))


def main_wrapper(fn, servers_holder):
    """Run scenario fn(); always stop servers."""
    try:
        fn()
    finally:
        stop_all(servers_holder)


# ---------------------------------------------------------------- ensemble helpers

def roles(servers):
    return {s.name: (s.state() if s.proc and s.proc.poll() is None else "stopped") for s in servers}


def record_roles(t, servers, note):
    r = roles(servers)
    t(session=None, op="raw", err=None, note="driver (AdminServer, not captured): " + note,
      servers={s.name: {"addr": s.addr, "myid": s.myid, "state": r[s.name]} for s in servers})
    return r


def wait_roles(servers, timeout=90):
    """Wait until every running server serves and exactly one is leader."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        live = [s for s in servers if s.proc and s.proc.poll() is None]
        r = roles(live)
        if all(v in ("leader", "follower", "observer") for v in r.values()) and \
                list(r.values()).count("leader") == 1:
            return r
        time.sleep(0.3)
    raise RuntimeError("ensemble not ready: %s" % roles(servers))


def by_state(servers, state):
    return [s for s in servers if s.proc and s.proc.poll() is None and s.state() == state]
