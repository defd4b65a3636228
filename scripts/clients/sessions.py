#!/usr/bin/env python3
"""Scripted sessions of the real ZooKeeper command-line clients against a server.

    sessions.py HOST:PORT --cli-mt PATH --java-classpath CP [--java PATH]

Drives the C client's cli_mt and the Java client's ZooKeeperMain through their
stdin, both connected at once, and checks what they print: create, get, set,
ls, stat, delete, sequential and ephemeral nodes, errors (no node, not empty,
bad version, no auth), watches set by one client and fired by the other, a
digest ACL, and an ephemeral node going away with its session. Each check
prints `OK name` or `FAIL name: ...`; the last line is `N passed, N failed`;
the exit status is 1 if any check failed. Every wait is bounded.
"""

import argparse
import base64
import hashlib
import os
import re
import subprocess
import sys
import threading
import time
import uuid

WAIT = 10.0  # seconds for any one expected output


class Session:
    """A command-line client on pipes: send a line, wait for output matching a pattern."""

    def __init__(self, name, argv, env=None):
        self.name = name
        self.lines = []
        self.mark = 0
        self.changed = threading.Condition()
        self.process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            text=True,
            bufsize=1,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()
        with self.changed:
            self.lines.append(None)  # end of output
            self.changed.notify_all()

    def send(self, command):
        """Send one command; later expectations look only at output from here on."""
        with self.changed:
            self.mark = len(self.lines)
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def wait_for(self, pattern, timeout=WAIT):
        """The first match of pattern in a line printed since the last send, or None."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for line in self.lines[self.mark:]:
                    if line is not None:
                        match = regex.search(line)
                        if match:
                            return match
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (self.lines and self.lines[-1] is None):
                    return None
                self.changed.wait(remaining)

    def absent(self, pattern, settle=1.0):
        """True if nothing since the last send matches pattern after settle seconds."""
        return self.wait_for(pattern, timeout=settle) is None

    def recent(self, count=12):
        with self.changed:
            return [line for line in self.lines[self.mark:] if line is not None][-count:]

    def close(self, quit_command="quit"):
        try:
            self.send(quit_command)
            self.process.stdin.close()
        except (OSError, ValueError):  # already closed, or the client is gone
            pass
        try:
            return self.process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=WAIT)
            return None


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def ok(self, name):
        self.passed += 1
        print("OK   %s" % name, flush=True)

    def fail(self, name, why, session=None):
        self.failed += 1
        print("FAIL %s: %s" % (name, why), flush=True)
        if session is not None:
            for line in session.recent():
                print("       %s| %s" % (session.name, line), flush=True)

    def expect(self, session, name, *patterns, timeout=WAIT):
        """Every pattern appears in the output since the last send (any order)."""
        matches = []
        for pattern in patterns:
            match = session.wait_for(pattern, timeout)
            if match is None:
                self.fail(name, "no line matching %r" % pattern, session)
                return None
            matches.append(match)
        self.ok(name)
        return matches[-1]

    def expect_not(self, session, name, pattern, settle=1.0):
        if session.absent(pattern, settle):
            self.ok(name)
            return True
        self.fail(name, "unexpected line matching %r" % pattern, session)
        return False


def digest(user, password):
    """ZooKeeper's DigestAuthenticationProvider.generateDigest."""
    hashed = hashlib.sha1(("%s:%s" % (user, password)).encode()).digest()
    return "%s:%s" % (user, base64.b64encode(hashed).decode())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("server", help="HOST:PORT")
    parser.add_argument("--cli-mt", required=True)
    parser.add_argument("--java", default="java")
    parser.add_argument("--java-classpath", required=True)
    options = parser.parse_args()

    checks = Checks()
    root = "/client-tests-%s" % uuid.uuid4().hex[:12]
    q = re.escape
    user, password = "tester", "secret-pw"
    acl_id = digest(user, password)

    java = Session(
        "java",
        [options.java, "-cp", options.java_classpath,
         "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
         "org.apache.zookeeper.ZooKeeperMain", "-server", options.server],
    )
    c = Session("c", [options.cli_mt, "-h", options.server])
    try:
        # Connect. ZooKeeperMain prints the SyncConnected event; cli_mt its session.
        checks.expect(java, "java: connected", r"WatchedEvent state:SyncConnected type:None path:null", timeout=30)
        checks.expect(c, "c: connected", r"Watcher SESSION_EVENT state = CONNECTED_STATE", r"Got a new session id: 0x[0-9a-f]+", timeout=30)

        # ---- Java client, alone ----
        java.send("create %s root" % root)
        checks.expect(java, "java: create", r"^Created %s$" % q(root))
        java.send("create %s/a one" % root)
        checks.expect(java, "java: create child", r"^Created %s/a$" % q(root))
        java.send("get %s/a" % root)
        checks.expect(java, "java: get", r"^one$")
        java.send("set %s/a two" % root)
        java.send("get -s %s/a" % root)
        checks.expect(java, "java: set then get -s", r"^two$", r"^dataVersion = 1$", r"^dataLength = 3$", r"^numChildren = 0$")
        java.send("stat %s" % root)
        checks.expect(java, "java: stat", r"^cZxid = 0x[0-9a-f]+$", r"^numChildren = 1$", r"^ephemeralOwner = 0x0$")
        java.send("set -v 7 %s/a three" % root)
        checks.expect(java, "java: set with a bad version", r"version No is not valid : %s/a" % q(root))
        java.send("create -s %s/seq- x" % root)
        checks.expect(java, "java: create sequential", r"^Created %s/seq-\d{10}$" % q(root))
        java.send("create -e %s/eph x" % root)
        checks.expect(java, "java: create ephemeral", r"^Created %s/eph$" % q(root))
        java.send("stat %s/eph" % root)
        checks.expect(java, "java: ephemeral owner", r"^ephemeralOwner = 0x[0-9a-f]*[1-9a-f][0-9a-f]*$")
        java.send("ls %s" % root)
        checks.expect(java, "java: ls", r"^\[(?=.*\ba\b)(?=.*\beph\b)(?=.*\bseq-\d{10}\b).*\]$")
        java.send("create %s/a x" % root)
        checks.expect(java, "java: create existing", r"Node already exists: %s/a" % q(root))
        java.send("delete %s" % root)
        checks.expect(java, "java: delete non-empty", r"Node not empty: %s" % q(root))
        java.send("get %s/missing" % root)
        checks.expect(java, "java: get missing", r"Node does not exist: %s/missing" % q(root))
        java.send("ls -w %s" % root)
        java.send("create %s/b x" % root)
        checks.expect(java, "java: child watch fires", r"WatchedEvent state:SyncConnected type:NodeChildrenChanged path:%s$" % q(root))
        java.send("get -w %s/a" % root)
        java.send("set %s/a four" % root)
        checks.expect(java, "java: data watch fires", r"WatchedEvent state:SyncConnected type:NodeDataChanged path:%s/a$" % q(root))
        java.send("delete %s/b" % root)
        java.send("stat %s/b" % root)
        checks.expect(java, "java: delete", r"Node does not exist: %s/b" % q(root))

        # ---- C client, alone ----
        croot = root + "/c"
        c.send("create %s" % croot)
        checks.expect(c, "c: create", r"^\[%s\]: rc = 0$" % q(croot), r"name = %s$" % q(croot))
        c.send("get %s" % croot)  # cli_mt's get leaves a watch
        checks.expect(c, "c: get", r"^%s: rc = 0$" % q(croot), r"value_len = 3", r"^new$")
        c.send("set %s hello" % croot)
        checks.expect(c, "c: set", r"^%s: rc = 0 Stat:" % q(croot))
        checks.expect(c, "c: watch from get fires", r"Watcher CHANGED_EVENT state = CONNECTED_STATE for path %s$" % q(croot))
        c.send("get %s" % croot)
        checks.expect(c, "c: get after set", r"value_len = 5", r"^hello$", r"version=1\s+aversion=0")
        c.send("create +e %s/eph" % croot)
        checks.expect(c, "c: create ephemeral", r"^\[%s/eph\]: rc = 0$" % q(croot))
        c.send("create +s %s/seq-" % croot)
        checks.expect(c, "c: create sequential", r"name = %s/seq-\d{10}$" % q(croot))
        c.send("ls %s" % croot)
        checks.expect(c, "c: ls", r"^%s: rc = 0$" % q(croot), r"^\teph$", r"^\tseq-\d{10}$")
        c.send("exists %s/none" % croot)
        checks.expect(c, "c: exists missing", r"Error -101 for %s/none$" % q(croot))
        c.send("delete %s" % croot)
        checks.expect(c, "c: delete non-empty", r"%s: rc = -111" % q(croot))
        c.send("delete %s/eph" % croot)
        checks.expect(c, "c: delete", r"%s/eph: rc = 0" % q(croot))
        c.send("get %s/eph" % croot)
        checks.expect(c, "c: get deleted", r"%s/eph: rc = -101" % q(croot))

        # ---- Watches across clients ----
        c.send("wexists %s/cross" % root)
        checks.expect(c, "c: wexists missing", r"Error -101 for %s/cross$" % q(root))
        java.send("create %s/cross x" % root)
        checks.expect(java, "java: create watched node", r"^Created %s/cross$" % q(root))
        checks.expect(c, "c: watch fires on the Java client's create", r"Watcher CREATED_EVENT state = CONNECTED_STATE for path %s/cross$" % q(root))
        java.send("get -w %s/cross" % root)
        checks.expect(java, "java: get -w", r"^x$")
        c.send("set %s/cross y" % root)
        checks.expect(c, "c: set watched node", r"^%s/cross: rc = 0 Stat:" % q(root))
        checks.expect(java, "java: watch fires on the C client's set", r"WatchedEvent state:SyncConnected type:NodeDataChanged path:%s/cross$" % q(root))
        java.send("set %s/cross z" % root)
        checks.expect_not(java, "java: a fired watch does not fire again", r"type:NodeDataChanged path:%s/cross$" % q(root))

        # ---- Digest ACL ----
        acl = root + "/acl"
        java.send("create %s private digest:%s:cdrwa" % (acl, acl_id))
        checks.expect(java, "java: create with a digest ACL", r"^Created %s$" % q(acl))
        java.send("get %s" % acl)
        checks.expect(java, "java: get without auth", r"Insufficient permission : %s" % q(acl))
        c.send("get %s" % acl)
        checks.expect(c, "c: get without auth", r"%s: rc = -102" % q(acl))
        c.send("addauth digest %s:wrong" % user)
        c.send("get %s" % acl)
        checks.expect(c, "c: get with the wrong password", r"%s: rc = -102" % q(acl))
        c.send("addauth digest %s:%s" % (user, password))
        c.send("get %s" % acl)
        checks.expect(c, "c: get with digest auth", r"^%s: rc = 0$" % q(acl), r"^private$")
        java.send("addauth digest %s:%s" % (user, password))
        java.send("getAcl %s" % acl)
        checks.expect(java, "java: getAcl", r"^'digest,'%s$" % q(acl_id), r"^: cdrwa$")
        java.send("setAcl %s auth:%s:%s:cdrwa" % (acl, user, password))
        java.send("getAcl %s" % acl)
        checks.expect(java, "java: setAcl with the auth scheme", r"^'digest,'%s$" % q(acl_id), r"^: cdrwa$")
        java.send("setAcl %s world:anyone:r" % acl)
        java.send("getAcl %s" % acl)
        checks.expect(java, "java: setAcl", r"^'world,'anyone$", r"^: r$")
        java.send("set %s w" % acl)
        checks.expect(java, "java: set denied by a read-only ACL", r"Insufficient permission : %s" % q(acl))
        java.send("setAcl %s world:anyone:cdrwa" % acl)
        checks.expect(java, "java: setAcl denied without ADMIN", r"Insufficient permission : %s" % q(acl))

        # ---- An ephemeral node goes with its session ----
        c.send("create +e %s/c-eph" % root)
        checks.expect(c, "c: create ephemeral to outlive", r"^\[%s/c-eph\]: rc = 0$" % q(root))
        java.send("stat -w %s/c-eph" % root)
        checks.expect(java, "java: stat -w", r"^ephemeralOwner = 0x")
        status = c.close()
        if status == 0:
            checks.ok("c: quit")
        else:
            checks.fail("c: quit", "exit status %s" % status, c)
        checks.expect(java, "java: ephemeral deleted when its session closes", r"type:NodeDeleted path:%s/c-eph$" % q(root), timeout=30)

        java.send("deleteall %s" % root)
        java.send("stat %s" % root)
        checks.expect(java, "java: deleteall", r"Node does not exist: %s$" % q(root))
    finally:
        c.close()
        java.close()

    print("client sessions: %d passed, %d failed" % (checks.passed, checks.failed))
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
