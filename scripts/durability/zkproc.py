"""Start and stop one standalone ZooKeeper server (Java 3.8.0 or zkserver) by PID
on a free 127.0.0.1 port, with a zoo.cfg written here and a given dataDir.

Java is started as zkServer.sh would (`java -D... QuorumPeerMain zoo.cfg`), zkserver
as `zkserver zoo.cfg` with the same -D properties in SERVER_JVMFLAGS. Every PID
started is also written as an empty file named by the PID into $DUR_PIDDIR (if
set) so that the calling shell script can stop leftovers by PID.
"""
import os
import signal
import socket
import subprocess
import sys
import time

JARS = "/usr/share/java"
# zookeeper.jar's manifest names jute, netty and the rest; the server also needs
# netty's codec, resolver and unix-common, which it leaves out.
JAVA_CLASSPATH = ":".join(os.path.join(JARS, j) for j in (
    "zookeeper.jar", "netty-codec.jar", "netty-resolver.jar",
    "netty-transport-native-unix-common.jar", "slf4j-simple.jar",
    # snappy-compressed snapshots (zookeeper.snapshot.compression.method=snappy)
    "snappy-java.jar"))

SUPER_DIGEST = "super:D/InIHSb7yEEbrWz8b9l71RjZJU="   # password "test"
SUPER_AUTH = ("digest", "super:test")


def log(msg):
    print("%s %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def four_letter(port, word, timeout=2.0):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.settimeout(timeout)
        s.sendall(word.encode())
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out.decode("utf-8", "replace")
            out += chunk


class Server:
    """One server process. `kind` is "java" or "zkserver"."""

    def __init__(self, kind, workdir, datadir, name="server", zkserver=None,
                 cfg=None, props=None, port=None):
        assert kind in ("java", "zkserver")
        self.kind = kind
        self.workdir = workdir
        self.datadir = datadir
        self.name = name
        self.zkserver = zkserver
        self.cfg = dict(cfg or {})
        self.props = {"zookeeper.DigestAuthenticationProvider.superDigest": SUPER_DIGEST}
        self.props.update(props or {})
        self.port = port or free_port()
        self.proc = None
        self.starts = 0
        self.logs = []

    @property
    def hosts(self):
        return "127.0.0.1:%d" % self.port

    def write_cfg(self):
        os.makedirs(self.datadir, exist_ok=True)
        lines = {
            "tickTime": "2000",
            "initLimit": "10",
            "syncLimit": "5",
            "dataDir": self.datadir,
            "clientPort": str(self.port),
            "clientPortAddress": "127.0.0.1",
            "admin.enableServer": "false",
            "4lw.commands.whitelist": "*",
            "maxClientCnxns": "0",
        }
        lines.update(self.cfg)
        path = os.path.join(self.workdir, "%s.zoo.cfg" % self.name)
        with open(path, "w") as f:
            for k, v in lines.items():
                if v is not None:
                    f.write("%s=%s\n" % (k, v))
        return path

    def start(self, timeout=60):
        """Start and wait until `srvr` says standalone; returns seconds taken."""
        os.makedirs(self.workdir, exist_ok=True)
        cfg = self.write_cfg()
        flags = ["-D%s=%s" % kv for kv in self.props.items()]
        env = dict(os.environ)
        env.pop("JVMFLAGS", None)
        if self.kind == "java":
            cmd = ["java", "-Xmx512m", "-XX:+UseSerialGC", "-Djava.net.preferIPv4Stack=true",
                   "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                   "-Dorg.slf4j.simpleLogger.showDateTime=true"] + flags + [
                   "-cp", JAVA_CLASSPATH, "org.apache.zookeeper.server.quorum.QuorumPeerMain", cfg]
            env.pop("SERVER_JVMFLAGS", None)
        else:
            cmd = [self.zkserver, cfg]
            env["SERVER_JVMFLAGS"] = " ".join(flags)
        self.starts += 1
        logpath = os.path.join(self.workdir, "%s-%d.log" % (self.name, self.starts))
        self.logs.append(logpath)
        with open(logpath, "w") as logf:
            self.proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, cwd=self.workdir, env=env)
        piddir = os.environ.get("DUR_PIDDIR")
        if piddir:
            open(os.path.join(piddir, str(self.proc.pid)), "w").close()
        t0 = time.monotonic()
        deadline = t0 + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("%s %s exited early (rc=%s); log %s:\n%s" % (
                    self.kind, self.name, self.proc.returncode, logpath, self.tail()))
            try:
                if "Mode: standalone" in four_letter(self.port, "srvr", timeout=1.0):
                    return time.monotonic() - t0
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("%s %s not serving on %s after %ss; log:\n%s" % (
            self.kind, self.name, self.hosts, timeout, self.tail()))

    def tail(self, n=30):
        if not self.logs:
            return ""
        with open(self.logs[-1], errors="replace") as f:
            return "".join(f.readlines()[-n:])

    def log_text(self):
        with open(self.logs[-1], errors="replace") as f:
            return f.read()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Signal the server by PID and wait for it (SIGKILL after timeout)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                log("%s pid %d did not exit on %s in %ss: SIGKILL" % (
                    self.name, self.proc.pid, signal.Signals(sig).name, timeout))
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        rc = self.proc.returncode
        piddir = os.environ.get("DUR_PIDDIR")
        if piddir:
            try:
                os.unlink(os.path.join(piddir, str(self.proc.pid)))
            except FileNotFoundError:
                pass
        self.proc = None
        return rc

    def kill9(self):
        return self.stop(signal.SIGKILL)


def datadir_files(datadir):
    """version-2/ listing: [(name, size)]."""
    d = os.path.join(datadir, "version-2")
    if not os.path.isdir(d):
        return []
    return [(n, os.path.getsize(os.path.join(d, n))) for n in sorted(os.listdir(d))]
