"""reconnect_setwatches: the real Java client re-registers its watches after
a reconnect.

Two Java sessions (Ops.java "setwatches"): A holds only one-shot watches
(data/exist/child) and re-registers them with setWatches (101); B also holds
a PERSISTENT and a PERSISTENT_RECURSIVE watch and uses setWatches2 (105).
The standalone server is stopped (SIGTERM); once both clients report
Disconnected their JVM is frozen (SIGSTOP), the server is restarted on the
same data dir (sessions survive), a kazoo client changes the watched nodes,
then the JVM is resumed: both clients reconnect with their old session ids
and lastZxidSeen, send setWatches/setWatches2 with the old relativeZxid, and
the server fires NodeDataChanged/NodeCreated/NodeChildrenChanged/NodeDeleted
at once for what changed while they were away.  Afterwards the persistent
watches are shown to be still armed.
"""
import os
import signal
import sys
import time

from zkcommon import (Kz, Transcript, standalone, log, run_java, java_expect, java_send, finish_java)

DESC = __doc__.strip().replace("\n", " ")


def main():
    t = Transcript(sys.argv[1], DESC)
    srv = standalone()
    srv.start()
    p = None
    try:
        k = Kz(t, "127.0.0.1:2181").start()
        for path, data in (("/sw", b""), ("/sw/data", b"d0"), ("/sw/parent", b""), ("/sw/unchanged", b"u"),
                           ("/sw/gone", b"g"), ("/sw/pw", b"p0"), ("/sw/rw", b"")):
            k.create(path, data)
        k.stop()
        p = run_java(t, "setwatches", "127.0.0.1:2181", wait=False)
        java_expect(p, "READY", 60)
        t(session=None, op="raw", err=None, note="driver: stopping the server (SIGTERM)")
        srv.stop()
        java_expect(p, "DISCONNECTED", 30)
        os.kill(p.pid, signal.SIGSTOP)
        t(session=None, op="raw", err=None, note="driver: Java clients frozen (SIGSTOP); restarting the server")
        srv.start()
        k = Kz(t, "127.0.0.1:2181").start()
        k.set("/sw/data", b"d1")
        k.create("/sw/absent", b"now here")
        k.create("/sw/parent/child", b"")
        k.delete("/sw/gone")
        k.set("/sw/pw", b"p1")
        k.create("/sw/rw/x", b"")
        k.stop()
        t(session=None, op="raw", err=None, note="driver: resuming the Java clients (SIGCONT)")
        os.kill(p.pid, signal.SIGCONT)
        java_send(p, "GO")
        java_expect(p, "RECONNECTED", 60)
        finish_java(p, 60)
        p = None
    finally:
        if p is not None and p.poll() is None:
            try:
                os.kill(p.pid, signal.SIGCONT)
            except OSError:
                pass
            p.kill()
        srv.stop()


if __name__ == "__main__":
    main()
