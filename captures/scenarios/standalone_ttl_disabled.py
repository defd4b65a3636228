"""standalone_ttl_disabled: Java client (Ops.java scenario "ttl_disabled")
against a standalone server WITHOUT extendedTypesEnabled: createTTL and
sequential createTTL fail with Unimplemented (-6), containers still work, a
multi containing a TTL create fails as a whole.
"""
import sys

from zkcommon import Transcript, run_java, standalone

DESC = __doc__.strip().replace("\n", " ")


def main():
    t = Transcript(sys.argv[1], DESC)
    srv = standalone(extended=False)
    srv.start()
    try:
        run_java(t, "ttl_disabled", "127.0.0.1:2181")
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
