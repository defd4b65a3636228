"""standalone_extended: Java client (captures/java/Ops.java, scenario
"extended") against a standalone server with extendedTypesEnabled=true.

createContainer (19) incl. Create2Response, createTTL (21) and sequential TTL,
create2 via the Java client, getEphemerals (103) with/without prefix,
getAllChildrenNumber (104) incl. NoNode, addWatch (106) PERSISTENT and
PERSISTENT_RECURSIVE with their events (created/changed/children/deleted,
re-arming), a classic data watch below a recursive watch (both fire),
checkWatches (17, Java removeWatches with a watcher) and removeWatches (18,
removeAllWatches) with DataWatchRemoved/ChildWatchRemoved/
PersistentWatchRemoved events (generated locally by the client), NoWatcher
(-121), multiRead (22) with per-op errors, multi with container/TTL
creates, whoAmI (107) before/after digest auth, closeSession.
"""
import sys

from zkcommon import Transcript, run_java, standalone

DESC = __doc__.strip().replace("\n", " ")


def main():
    t = Transcript(sys.argv[1], DESC)
    srv = standalone(extended=True)
    srv.start()
    try:
        run_java(t, "extended", "127.0.0.1:2181")
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
