"""standalone_acl: ACL schemes and auth with kazoo.

world:anyone (all / read-only), auth (creator ACL, InvalidACL without auth,
expansion to every digest identity of the session), digest (addauth, wrong
password), ip:127.0.0.1 and ip:10.0.0.0/8, super (superDigest configured on
the server), getACL/setACL with aversion (BadVersion), NoAuth on read/write/
setACL/create/delete, InvalidACL (unknown scheme, malformed digest id, bad
ip, empty list), AuthFailed (addauth with an unknown scheme: the server
replies xid -4 err -115 and closes the connection).
"""
import sys
import time

from kazoo.security import ACL, Id, make_digest_acl, OPEN_ACL_UNSAFE, CREATOR_ALL_ACL, READ_ACL_UNSAFE

from zkcommon import Kz, Transcript, standalone, log, SUPER_USER, SUPER_PASSWORD

DESC = __doc__.strip().replace("\n", " ")


def main():
    t = Transcript(sys.argv[1], DESC)
    srv = standalone()
    srv.start()
    try:
        a = Kz(t, "127.0.0.1:2181").start()
        b = Kz(t, "127.0.0.1:2181").start()
        a.create("/acl", b"", acl=OPEN_ACL_UNSAFE)
        a.get_acls("/acl")
        a.create("/acl/readonly", b"ro", acl=READ_ACL_UNSAFE)
        a.set("/acl/readonly", b"x")                             # NoAuth -102
        a.create("/acl/readonly/child", b"x")                    # NoAuth (no CREATE)
        a.set_acls("/acl/readonly", OPEN_ACL_UNSAFE)             # NoAuth (no ADMIN)
        a.create("/acl/creator", b"c", acl=CREATOR_ALL_ACL)       # InvalidACL -114 (no authenticated id)
        a.add_auth("digest", "alice:alicepw")
        a.create("/acl/creator", b"c", acl=CREATOR_ALL_ACL)       # auth -> digest:alice:<hash>
        a.get_acls("/acl/creator")
        bob_all = make_digest_acl("bob", "bobpw", all=True)
        a.create("/acl/digest", b"bob's", acl=[bob_all])
        a.get_acls("/acl/digest")
        ip_acl = ACL(31, Id("ip", "127.0.0.1"))
        a.create("/acl/ip", b"local", acl=[ip_acl])
        a.create("/acl/ip-other", b"remote", acl=[ACL(31, Id("ip", "10.0.0.0/8"))])
        a.create("/acl/mixed", b"m", acl=[ACL(1, Id("world", "anyone")),
                                           ACL(31, Id("ip", "127.0.0.0/8")),
                                           make_digest_acl("carol", "carolpw", read=True, write=True)])
        a.get_acls("/acl/mixed")
        # InvalidACL variants
        a.create("/acl/bad1", b"", acl=[ACL(31, Id("nosuchscheme", "x"))])
        a.create("/acl/bad2", b"", acl=[ACL(31, Id("digest", "bob-without-hash"))])
        a.create("/acl/bad3", b"", acl=[ACL(31, Id("ip", "not.an.ip"))])
        a.create("/acl/bad4", b"", acl=[])                       # 3.8.0 accepts an empty ACL list
        a.get_acls("/acl/bad4")
        a.create("/acl/bad5", b"", acl=[ACL(31, Id("world", "someone"))])
        # B without auth
        b.get("/acl/creator")                                    # NoAuth
        b.get("/acl/digest")                                     # NoAuth
        b.get_acls("/acl/digest")                                # getACL needs READ or ADMIN -> NoAuth
        b.get_acls("/acl/creator")
        b.get("/acl/ip")                                         # ip:127.0.0.1 matches
        b.set("/acl/ip", b"local2")
        b.get("/acl/ip-other")                                   # NoAuth
        b.get("/acl/mixed")
        b.set("/acl/bad4", b"anyone may write a node with an empty ACL")
        b.set("/acl/mixed", b"m2")                               # NoAuth? ip 127/8 has all
        b.delete("/acl/creator")                                 # /acl is open -> delete allowed
        a.create("/acl/creator", b"c", acl=CREATOR_ALL_ACL)
        b.add_auth("digest", "bob:wrongpw")                       # digest auth never fails
        b.get("/acl/digest")                                     # NoAuth still
        b.add_auth("digest", "bob:bobpw")
        b.get("/acl/digest")
        b.set("/acl/digest", b"bob wrote", 0)
        b.get_acls("/acl/digest")
        b.set_acls("/acl/digest", [bob_all, ACL(1, Id("world", "anyone"))], 0)
        b.set_acls("/acl/digest", [bob_all], 0)                  # BadVersion (aversion is 1 now)
        b.get_acls("/acl/digest")
        a.get("/acl/digest")                                     # world read now
        a.set("/acl/digest", b"x")                               # NoAuth (world has only READ)
        # session with two digest identities: auth scheme expands to both
        b.add_auth("digest", "dave:davepw")
        b.create("/acl/two-ids", b"", acl=CREATOR_ALL_ACL)
        b.get_acls("/acl/two-ids")
        # super
        s = Kz(t, "127.0.0.1:2181").start()
        s.get("/acl/creator")                                    # NoAuth
        s.add_auth("digest", "%s:%s" % (SUPER_USER, SUPER_PASSWORD))
        s.get("/acl/creator")
        s.get_acls("/acl/creator")
        s.set("/acl/ip-other", b"super wrote")
        s.set_acls("/acl/readonly", OPEN_ACL_UNSAFE)
        s.delete("/acl/two-ids")
        s.stop()
        a.set("/acl/readonly", b"writable now")
        # AuthFailed: unknown scheme
        f = Kz(t, "127.0.0.1:2181").start()
        f.zk.add_listener(lambda st: log("auth-fail client state %s" % st))
        sid = f.sid()
        f.add_auth("nosuchscheme", "whatever")
        time.sleep(1)
        try:
            f.zk.stop()
            f.zk.close()
        except Exception as e:
            log("stop after auth failure: %r" % e)
        t(session=sid, op="closeSession", err=None,
          note="kazoo stop() after AuthFailed: the server had already closed the connection, nothing is sent")
        a.stop()
        b.stop()
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
