"""standalone_multi: multi (OpCode 14) transactions with kazoo.

Success (create, create sequential, create ephemeral, setData, check,
delete inside one multi), failure in the middle (check with bad version:
earlier ops report 0, the failed op its error, later ops
RuntimeInconsistency -2), failure on the first op (NodeExists), NoNode
delete, NotEmpty delete, an empty multi, and watches fired by a committed
multi (none by a failed one).  The transcript's "err" for a multi follows the
Java client's rule (first non-zero per-op result, 0 if none), since kazoo
does not surface the reply header's err; per-op results are listed.
"""
import sys

from zkcommon import Kz, Transcript, kz_txn_results, standalone

DESC = __doc__.strip().replace("\n", " ")

OPNAMES = {"Create": "create", "Delete": "delete", "SetData": "setData", "CheckVersion": "check",
           "Create2": "create2"}


def describe(op):
    name = OPNAMES.get(type(op).__name__, type(op).__name__)
    d = {"op": name, "path": op.path}
    if hasattr(op, "version"):
        d["version"] = op.version
    if hasattr(op, "flags"):
        d["flags"] = op.flags
    if hasattr(op, "data"):
        d["data_len"] = len(op.data or b"")
    return d


def multi(t, c, build):
    tx = c.zk.transaction()
    build(tx)
    ops = [describe(o) for o in tx.operations]
    results = tx.commit()
    res = kz_txn_results(results)
    err = next((r["err"] for r in res if r["err"] not in (0, None)), 0)
    t(session=c.sid(), op="multi", ops=ops, err=err, results=res,
      note="err = first non-zero per-op result (Java client rule)")
    return results


def main():
    t = Transcript(sys.argv[1], DESC)
    srv = standalone()
    srv.start()
    try:
        a = Kz(t, "127.0.0.1:2181").start()
        b = Kz(t, "127.0.0.1:2181").start()
        a.create("/m", b"base")
        b.get("/m", watch=True)
        b.children("/m", watch=True)

        def ok(tx):
            tx.create("/m/a", b"a")
            tx.create("/m/seq-", b"s", sequence=True)
            tx.create("/m/eph", b"e", ephemeral=True)
            tx.set_data("/m", b"base2", 0)
            tx.check("/m", 1)
            tx.create("/m/tmp", b"")
            tx.delete("/m/tmp", 0)
        multi(t, a, ok)
        b.drain_events(2)
        a.children("/m", include_data=True)

        b.get("/m", watch=True)

        def fail_mid(tx):
            tx.create("/m/c", b"c")
            tx.set_data("/m/a", b"a2", -1)
            tx.check("/m", 99)
            tx.delete("/m/a", -1)
            tx.create("/m/d", b"d")
        multi(t, a, fail_mid)
        b.drain_events(0, timeout=1)
        a.exists("/m/c")

        def fail_first(tx):
            tx.create("/m/a", b"dup")
            tx.set_data("/m", b"x", -1)
        multi(t, a, fail_first)

        def fail_nonode(tx):
            tx.set_data("/m", b"x", -1)
            tx.delete("/m/missing", -1)
        multi(t, a, fail_nonode)

        def fail_notempty(tx):
            tx.delete("/m", -1)
        multi(t, a, fail_notempty)

        def fail_ephemeral_parent(tx):
            tx.create("/m/eph/child", b"")
        multi(t, a, fail_ephemeral_parent)

        def fail_last(tx):
            tx.set_data("/m", b"last", -1)
            tx.check("/m/missing", -1)
        multi(t, a, fail_last)

        multi(t, a, lambda tx: None)          # empty multi

        def second(tx):
            tx.set_data("/m", b"final", -1)
            tx.delete("/m/a", -1)
        multi(t, a, second)
        b.drain_events(1)
        a.get("/m")
        b.stop()
        a.stop()
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
